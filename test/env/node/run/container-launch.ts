// Everything a container needs before its process starts, resolved as the kubelet does at each
// start: volumes written, env resolved, mounts linked under the container's root folder, and
// the command mapped onto the checkout's entry point. A missing reference throws
// ContainerConfigError (retried); a container that can never run returns `{ cannotRun }`.
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../../ports.ts';
import { containerEnvFor } from './container-env.ts';
import { materialiseVolumes, mountVolumes } from './pod-volumes.ts';
import { processFor } from './process-mapping.ts';
import { referencesFor } from './references.ts';

export interface LaunchInput {
  pod: V1Pod;
  container: V1Container;
  podDir: string;
  core: CoreV1Api;
  repoRoot: string;
  /** Variables the kubelet sets itself (HOSTNAME, KUBERNETES_SERVICE_*). */
  kubeletEnv: Readonly<Record<string, string>>;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  /** The whole environment of the process (nothing is inherited from the test runner). */
  env: Record<string, string>;
  /** The container's env as Kubernetes defines it (exec probes get it too). */
  containerEnv: Record<string, string>;
  /** Declared container port → the host port the process listens on instead. */
  hostPorts: ReadonlyMap<number, number>;
  cwd: string;
  rootDir: string;
}

export type Launch = { launch: LaunchSpec } | { cannotRun: string };

/**
 * Pods of the local node share the host's network, where the kubelet would give each its own: a
 * second pod declaring the same port could not bind it. Each declared port the runtime reads from
 * a variable moves to a free host port, told to the process by that variable.
 */
const portVariables: Readonly<Record<string, string>> = { metrics: 'SYNCFLOW_METRICS_PORT' };

async function hostPortsFor(
  container: V1Container,
): Promise<{ hostPorts: Map<number, number>; env: Record<string, string> }> {
  const hostPorts = new Map<number, number>();
  const env: Record<string, string> = {};
  for (const port of container.ports ?? []) {
    const variable = port.name === undefined ? undefined : portVariables[port.name];
    if (variable === undefined) continue;
    const hostPort = await freePort();
    hostPorts.set(port.containerPort, hostPort);
    env[variable] = String(hostPort);
  }
  return { hostPorts, env };
}

export async function launchFor(input: LaunchInput): Promise<Launch> {
  const { pod, container, podDir } = input;
  const namespace = pod.metadata?.namespace ?? '';
  const refs = referencesFor(input.core, namespace);
  await materialiseVolumes({ pod, core: input.core, refs, podDir });
  const containerEnv = await containerEnvFor({ pod, container, refs, base: input.kubeletEnv });
  const mapping = processFor({
    command: container.command,
    args: container.args,
    env: containerEnv,
    repoRoot: input.repoRoot,
  });
  if ('error' in mapping) return { cannotRun: mapping.error };
  const { script, nodeOptions, args } = mapping.process;
  if (!existsSync(script)) {
    return { cannotRun: `the entry point ${script} does not exist in this checkout` };
  }
  const rootDir = join(podDir, 'containers', container.name, 'root');
  mkdirSync(rootDir, { recursive: true });
  mountVolumes(pod, container, podDir, rootDir);
  const ports = await hostPortsFor(container);
  return {
    launch: {
      command: process.execPath,
      args: [...nodeOptions, script, ...args],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: process.env['HOME'] ?? rootDir,
        ...containerEnv,
        ...ports.env,
        SYNCFLOW_ROOT: rootDir,
      },
      containerEnv,
      hostPorts: ports.hostPorts,
      cwd: input.repoRoot,
      rootDir,
    },
  };
}
