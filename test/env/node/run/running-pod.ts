// run mode: a pod whose containers really run as local processes of the project's entry points
// (see process-mapping.ts for the contract). A container of another image, and every container
// of a pod with init containers, waits with a reason saying why it cannot run here.
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { mkdirSync } from 'node:fs';
import { podDirFor } from '../pod-logs.ts';
import type { ContainerRecord } from '../pod-status.ts';
import { reportStatus, restartPolicyOf, type PodProcess, type PodWorker } from '../pod-worker.ts';
import type { StatusWriter } from '../status-writer.ts';
import { startContainer, type ContainerRunner } from './container-runner.ts';
import { isProjectImage } from './project-image.ts';
import type { RestartBackoff } from './restart-backoff.ts';

export interface RunContext {
  core: CoreV1Api;
  nodeDir: string;
  repoRoot: string;
  /** Image repository that runs (any tag or digest), e.g. ghcr.io/syncflow/syncflow. */
  projectImage: string;
  backoff: RestartBackoff;
  configRetryMs: number;
  /** The apiserver as pods see it (KUBERNETES_SERVICE_HOST/PORT). */
  apiserver: URL;
  log(line: string): void;
  onProcess(pid: number): void;
}

function waitingFor(container: V1Container, reason: string, message: string): ContainerRunner {
  const record: ContainerRecord = {
    name: container.name,
    image: container.image ?? '',
    state: { waiting: { reason, message } },
    ready: false,
    started: false,
    restartCount: 0,
  };
  return { record: () => record, pid: () => undefined, stop: () => Promise.resolve() };
}

function kubeletEnvFor(pod: V1Pod, apiserver: URL): Record<string, string> {
  const port = apiserver.port || '443';
  return {
    HOSTNAME: pod.metadata?.name ?? '',
    KUBERNETES_SERVICE_HOST: apiserver.hostname,
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_SERVICE_PORT_HTTPS: port,
    KUBERNETES_PORT: `tcp://${apiserver.hostname}:${port}`,
  };
}

export function runningPodFor(pod: V1Pod, writer: StatusWriter, ctx: RunContext): PodWorker {
  const startTimeMs = Date.now();
  const podDir = podDirFor(ctx.nodeDir, pod);
  mkdirSync(podDir, { recursive: true });
  let latest = pod;
  let runners: ContainerRunner[] = [];
  const report = (): void =>
    reportStatus(
      latest,
      runners.map((r) => r.record()),
      writer,
      startTimeMs,
    );
  const runnerFor = (container: V1Container): ContainerRunner => {
    if ((pod.spec?.initContainers ?? []).length > 0) {
      const message = 'init containers are not supported on the local node';
      return waitingFor(container, 'CreateContainerError', message);
    }
    if (!isProjectImage(container.image ?? '', ctx.projectImage)) {
      const message = `the local node runs only the project's image (${ctx.projectImage}, any tag); image "${container.image ?? ''}" cannot run here`;
      return waitingFor(container, 'ErrImageNeverPull', message);
    }
    return startContainer({
      container,
      pod: () => latest,
      podDir,
      core: ctx.core,
      repoRoot: ctx.repoRoot,
      kubeletEnv: kubeletEnvFor(pod, ctx.apiserver),
      restartPolicy: restartPolicyOf(pod),
      backoff: ctx.backoff,
      configRetryMs: ctx.configRetryMs,
      onChange: report,
      onProcess: (pid) => ctx.onProcess(pid),
      log: (line) => ctx.log(`pod ${pod.metadata?.namespace}/${pod.metadata?.name}: ${line}`),
    });
  };
  runners = (pod.spec?.containers ?? []).map(runnerFor);
  report();
  return {
    observe: (next) => {
      latest = next;
      report();
    },
    terminate: async (graceMs) => {
      writer.close();
      await Promise.all(runners.map((r) => r.stop(graceMs)));
    },
    processes: (): PodProcess[] =>
      runners.flatMap((r) => {
        const pid = r.pid();
        return pid === undefined ? [] : [{ container: r.record().name, pid }];
      }),
  };
}
