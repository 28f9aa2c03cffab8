// What an informer keeps of an object. Like client-go's SetTransform: managedFields and the
// last-applied annotation are most of an object's bytes and the operator never reads them, so
// dropping them before caching is what keeps 1,000 flows and their children within the memory
// budget.
import type { KubernetesObject } from '../kube/client.ts';

export type CacheTransform<T extends KubernetesObject> = (object: T) => T;

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

export function withoutBookkeeping<T extends KubernetesObject>(object: T): T {
  if (!object.metadata) return object;
  const metadata = { ...object.metadata };
  delete metadata.managedFields;
  if (metadata.annotations && lastApplied in metadata.annotations) {
    const annotations = { ...metadata.annotations };
    delete annotations[lastApplied];
    metadata.annotations = annotations;
  }
  return { ...object, metadata };
}

/**
 * Pods are read only for their status (why a workload is not ready): the spec, the largest part,
 * is not kept.
 */
export function podStatusOnly<T extends KubernetesObject>(object: T): T {
  const kept: T & { spec?: unknown } = { ...withoutBookkeeping(object) };
  delete kept.spec;
  return kept;
}

/**
 * The SyncFlow controller reads of its children only what tells whether they are current and
 * ready: metadata (the intent hash, the owner), a workload's replicas, schedule and status. A
 * ConfigMap's data and a workload's pod template, most of their bytes, are not kept.
 */
export function childSummary<T extends KubernetesObject>(object: T): T {
  const kept: T & { data?: unknown; binaryData?: unknown; spec?: Record<string, unknown> } = {
    ...withoutBookkeeping(object),
  };
  delete kept.data;
  delete kept.binaryData;
  if (kept.spec) {
    const spec = { ...kept.spec };
    delete spec['template'];
    delete spec['jobTemplate'];
    kept.spec = spec;
  }
  return kept;
}
