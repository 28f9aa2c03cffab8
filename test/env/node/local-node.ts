// The local node of the test cluster (the kubelet the control plane lacks). It registers the
// Node `syncflow-local`, keeps it Ready, and serves the pods the scheduler binds to it, in one
// of two modes: `simulate` marks them Running and Ready (Jobs' pods complete after a while);
// `run` really runs the project's image as local processes. Entry point of test/env/node/.
import { CoordinationV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import { registerNode } from './node-registration.ts';
import { NodePods, type NodeProcess } from './node-pods.ts';
import { readPodLogs } from './pod-logs.ts';
import type { PodWorker } from './pod-worker.ts';
import { watchPods } from './pod-watch.ts';
import { runningPodFor } from './run/running-pod.ts';
import type { RestartBackoff } from './run/restart-backoff.ts';
import { simulatedPodFor } from './simulated-pod.ts';
import type { StatusWriter } from './status-writer.ts';

export type NodeMode = 'simulate' | 'run';

export interface LocalNodeSettings {
  /** Name of the Node object. Default: `syncflow-local`. */
  name?: string;
  /** simulate: how long the pods of Jobs run before they succeed, in ms. Default: 1000. */
  jobCompletionMs?: number;
  /** run: the image repository whose containers run, with any tag. Default: ghcr.io/syncflow/syncflow. */
  projectImage?: string;
  /** run: crash-loop back-off. Default: the kubelet's, 10 s doubling up to 300 s. */
  restartBackoff?: RestartBackoff;
  /** run: how often a container waiting on a missing Secret or ConfigMap retries, in ms. Default: 1000. */
  configRetryMs?: number;
  /** Shutdown: each process gets SIGTERM, then SIGKILL after this many ms. Default: 5000. */
  shutdownGraceMs?: number;
}

export interface LocalNodeOptions extends LocalNodeSettings {
  mode: NodeMode;
  kubeconfigPath: string;
  runDir: string;
  log: (line: string) => void;
}

/** What another process needs to know of the node (also in .syncflow-env.json). */
export interface LocalNodeInfo {
  name: string;
  mode: NodeMode;
  /** The node's folder: per-pod logs, volumes and mount roots. */
  dir: string;
}

export interface LocalNode extends LocalNodeInfo {
  /** The log of a pod's container (the only one when `container` is omitted); '' if none. */
  logs(namespace: string, pod: string, container?: string): string;
  /** The processes running now for pods (run mode). */
  processes(): NodeProcess[];
  /** Every pid the node ever started, to check that none outlives it. */
  startedPids(): number[];
  /** Stops every process of every pod and stops serving the node. Idempotent. */
  stop(): Promise<void>;
}

export const projectImageDefault = 'ghcr.io/syncflow/syncflow';

function workerFactory(
  options: LocalNodeOptions,
  core: CoreV1Api,
  dir: string,
  started: Set<number>,
): (pod: V1Pod, writer: StatusWriter) => PodWorker {
  if (options.mode === 'simulate') {
    const jobCompletionMs = options.jobCompletionMs ?? 1_000;
    return (pod, writer) => simulatedPodFor(pod, { writer, jobCompletionMs });
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfigPath);
  const context = {
    core,
    nodeDir: dir,
    repoRoot,
    projectImage: options.projectImage ?? projectImageDefault,
    backoff: options.restartBackoff ?? { baseMs: 10_000, maxMs: 300_000 },
    configRetryMs: options.configRetryMs ?? 1_000,
    apiserver: new URL(kubeConfig.getCurrentCluster()?.server ?? 'https://127.0.0.1'),
    log: options.log,
    onProcess: (pid: number) => started.add(pid),
  };
  return (pod, writer) => runningPodFor(pod, writer, context);
}

export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const name = options.name ?? 'syncflow-local';
  const dir = join(options.runDir, 'node');
  mkdirSync(dir, { recursive: true });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const log = (line: string): void => options.log(`node: ${line}`);
  const started = new Set<number>();
  const pods = new NodePods({
    core,
    createWorker: workerFactory(options, core, dir, started),
    log,
  });
  const registration = await registerNode({ core, coordination, name, log });
  const watch = await watchPods(kubeConfig, core, name, {
    changed: (pod) => pods.changed(pod),
    deleted: (pod) => pods.deleted(pod),
  });
  let stopped: Promise<void> | undefined;
  return {
    name,
    mode: options.mode,
    dir,
    logs: (namespace, pod, container) => readPodLogs(dir, namespace, pod, container),
    processes: () => pods.processes(),
    startedPids: () => [...started],
    stop: () =>
      (stopped ??= (async () => {
        watch.stop();
        registration.stop();
        await pods.stop(options.shutdownGraceMs ?? 5_000);
      })()),
  };
}
