// Where the node keeps each pod's files (logs, volumes, mount roots) and how to read a
// container's log: `<node dir>/pods/<namespace>_<pod>_<uid>/logs/<container>.log`, stdout and
// stderr together, every restart appended. Reading needs only the folder, so any process can.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { EnvironmentError } from '../errors.ts';

export function podDirFor(nodeDir: string, pod: V1Pod): string {
  const { namespace, name, uid } = pod.metadata ?? {};
  return join(nodeDir, 'pods', `${namespace ?? ''}_${name ?? ''}_${uid ?? ''}`);
}

export const logFileFor = (podDir: string, container: string): string =>
  join(podDir, 'logs', `${container}.log`);

function latestPodDir(nodeDir: string, namespace: string, pod: string): string | undefined {
  const pods = join(nodeDir, 'pods');
  if (!existsSync(pods)) return undefined;
  const prefix = `${namespace}_${pod}_`;
  return readdirSync(pods)
    .filter((entry) => entry.startsWith(prefix) && !entry.slice(prefix.length).includes('_'))
    .map((entry) => join(pods, entry))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** The log of a container of the pod (the only one when `container` is omitted); '' if none. */
export function readPodLogs(
  nodeDir: string,
  namespace: string,
  pod: string,
  container?: string,
): string {
  const podDir = latestPodDir(nodeDir, namespace, pod);
  if (!podDir || !existsSync(join(podDir, 'logs'))) return '';
  const names = readdirSync(join(podDir, 'logs')).map((f) => f.replace(/\.log$/, ''));
  const chosen = container ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new EnvironmentError(
      `pod ${namespace}/${pod} has containers [${names.join(' ')}]: name one`,
    );
  }
  const file = logFileFor(podDir, chosen);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
