// What the node does with one pod bound to it, whichever the mode: it is told of every change to
// the pod and, when the pod is deleted or the node shuts down, stops it.
import type { V1Pod } from '@kubernetes/client-node';
import { podStatusFor, type ContainerRecord, type RestartPolicy } from './pod-status.ts';
import type { StatusWriter } from './status-writer.ts';

export interface PodWorker {
  /** The latest pod object, on every change seen by the node. */
  observe(pod: V1Pod): void;
  /** Stops the pod's processes: SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  terminate(graceMs: number): Promise<void>;
  /** The pod's processes that are running now. */
  processes(): PodProcess[];
}

export interface PodProcess {
  container: string;
  pid: number;
}

/** The address of every pod and of the node: all processes share the host's loopback. */
export const localIp = '127.0.0.1';

export function restartPolicyOf(pod: V1Pod): RestartPolicy {
  const policy = pod.spec?.restartPolicy;
  return policy === 'Never' || policy === 'OnFailure' ? policy : 'Always';
}

/** Computes the pod's status from its containers and hands it to the writer. */
export function reportStatus(
  pod: V1Pod,
  containers: readonly ContainerRecord[],
  writer: StatusWriter,
  startTimeMs: number,
): void {
  const written = writer.last();
  const observed = pod.status?.conditions ?? [];
  const previousConditions = [
    ...(written?.conditions ?? []),
    ...observed.filter((o) => !written?.conditions.some((w) => w.type === o.type)),
  ];
  writer.write(
    podStatusFor({
      restartPolicy: restartPolicyOf(pod),
      containers,
      startTimeMs,
      ip: localIp,
      previousConditions,
      previousPhase: written?.phase ?? pod.status?.phase,
      nowMs: Date.now(),
    }),
  );
}

/** The grace period of a pod being deleted (else its spec's, else 30 s), in ms. */
export function graceMs(pod: V1Pod): number {
  const seconds =
    pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return seconds * 1000;
}
