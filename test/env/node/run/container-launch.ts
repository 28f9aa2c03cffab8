// Everything a container needs before its process starts, resolved as the kubelet does at each
// start: volumes written, env resolved, mounts linked under the container's root folder, and
// the command mapped onto the checkout's entry point. A missing reference throws
// ContainerConfigError (retried); a container that can never run returns `{ cannotRun }`.
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  cwd: string;
  rootDir: string;
}

export type Launch = { launch: LaunchSpec } | { cannotRun: string };

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
  return {
    launch: {
      command: process.execPath,
      args: [...nodeOptions, script, ...args],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: process.env['HOME'] ?? rootDir,
        ...containerEnv,
        SYNCFLOW_ROOT: rootDir,
      },
      containerEnv,
      cwd: input.repoRoot,
      rootDir,
    },
  };
}
