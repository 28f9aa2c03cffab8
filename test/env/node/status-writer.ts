// Writes one pod's status through the pods/status subresource, as a kubelet's status manager
// does: one write at a time, only when the status changed, the latest status winning, and
// retried while the apiserver is away (outage tests stop it).
import {
  ApiException,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
} from '@kubernetes/client-node';
import type { PodStatusJson } from './pod-status.ts';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface StatusWriter {
  write(status: PodStatusJson): void;
  /** The status last accepted by the apiserver, if any. */
  last(): PodStatusJson | undefined;
  /**
   * The pod as the apiserver has it now: when another writer changed a condition this node set
   * (the node lifecycle controller marks pods not ready while the node's lease lapsed), the
   * node's status is written again, as the kubelet's status manager reconciles.
   */
  reconcile(observed: { conditions?: { type: string; status: string }[] } | undefined): void;
  /** Stops writing (the pod is gone or being removed). */
  close(): void;
}

const retryAfterMs = 1_000;
const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export function statusWriterFor(
  core: CoreV1Api,
  pod: PodRef,
  log: (line: string) => void,
): StatusWriter {
  let lastJson = '';
  let lastStatus: PodStatusJson | undefined;
  let pending: PodStatusJson | undefined;
  let writing = false;
  let closed = false;

  const patch = async (status: PodStatusJson): Promise<boolean> => {
    try {
      await core.patchNamespacedPodStatus(
        { namespace: pod.namespace, name: pod.name, body: { status } },
        strategicMerge,
      );
      return true;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) {
        closed = true;
        return true;
      }
      log(`pod ${pod.namespace}/${pod.name}: status write failed, retrying: ${String(err)}`);
      await new Promise((r) => setTimeout(r, retryAfterMs));
      return false;
    }
  };

  const flush = async (): Promise<void> => {
    writing = true;
    while (pending && !closed) {
      const status = pending;
      pending = undefined;
      const json = JSON.stringify(status);
      if (json === lastJson) continue;
      if (await patch(status)) {
        lastJson = json;
        lastStatus = status;
      } else {
        pending ??= status;
      }
    }
    writing = false;
  };

  return {
    write: (status) => {
      if (closed) return;
      pending = status;
      if (!writing) void flush();
    },
    last: () => lastStatus,
    reconcile: (observed) => {
      if (closed || lastStatus === undefined || writing) return;
      const differs = lastStatus.conditions.some(
        (mine) => observed?.conditions?.find((c) => c.type === mine.type)?.status !== mine.status,
      );
      if (!differs) return;
      lastJson = '';
      pending = lastStatus;
      void flush();
    },
    close: () => {
      closed = true;
    },
  };
}
