// simulate mode (what kwok does): every container is Running and Ready at once, and the pods of
// Jobs complete with exit code 0 after `jobCompletionMs`. Nothing is executed.
import type { V1Pod } from '@kubernetes/client-node';
import { reportStatus, restartPolicyOf, type PodWorker } from './pod-worker.ts';
import type { ContainerRecord } from './pod-status.ts';
import type { StatusWriter } from './status-writer.ts';

export interface SimulatedPodOptions {
  writer: StatusWriter;
  jobCompletionMs: number;
}

const isJobPod = (pod: V1Pod): boolean =>
  (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job') &&
  restartPolicyOf(pod) !== 'Always';

export function simulatedPodFor(pod: V1Pod, options: SimulatedPodOptions): PodWorker {
  const startTimeMs = Date.now();
  let latest = pod;
  let containers: ContainerRecord[] = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    state: { running: { startedAtMs: startTimeMs } },
    ready: true,
    started: true,
    restartCount: 0,
  }));
  const report = (): void => reportStatus(latest, containers, options.writer, startTimeMs);
  const complete = (): void => {
    const finishedAtMs = Date.now();
    containers = containers.map((c) => ({
      ...c,
      state: {
        terminated: { exitCode: 0, reason: 'Completed', startedAtMs: startTimeMs, finishedAtMs },
      },
      ready: false,
      started: false,
    }));
    report();
  };
  const timer = isJobPod(pod) ? setTimeout(complete, options.jobCompletionMs) : undefined;
  report();
  return {
    observe: (next) => {
      latest = next;
      report();
    },
    terminate: () => {
      clearTimeout(timer);
      options.writer.close();
      return Promise.resolve();
    },
    processes: () => [],
  };
}
