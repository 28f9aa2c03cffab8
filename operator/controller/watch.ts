// How informer changes become work-queue keys (controller-runtime's `For` and `Owns`). A primary
// object enqueues its own key, but an update only when `metadata.generation` changed (per-uid
// memory, since the status subresource does not bump it, the operator's own status writes do not
// re-trigger it) or deletion started. A child enqueues the owner named by its controller
// ownerReference. Handlers never branch on anything else: reconcile is level-triggered.
import type { KubernetesObject } from '../kube/client.ts';
import { keyOf, type Change } from './object-cache.ts';

export type KeyMapper<T extends KubernetesObject = KubernetesObject> = (
  change: Change<T>,
) => string[];

export interface Generation {
  generation: number | undefined;
  deleting: boolean;
}

/** Whether an update from `previous` to `current` must be reconciled. */
export function isRelevantUpdate(previous: Generation, current: Generation): boolean {
  if (current.generation === undefined) return true;
  return previous.generation !== current.generation || previous.deleting !== current.deleting;
}

export function primaryKeys<T extends KubernetesObject>(): KeyMapper<T> {
  const seen = new Map<string, Generation>();
  return (change) => {
    const meta = change.object.metadata ?? {};
    const key = keyOf(change.object);
    const id = meta.uid ?? key;
    if (change.type === 'deleted') {
      seen.delete(id);
      return [key];
    }
    const current = { generation: meta.generation, deleting: meta.deletionTimestamp !== undefined };
    const previous = seen.get(id);
    seen.set(id, current);
    if (change.type === 'added' || previous === undefined) return [key];
    return isRelevantUpdate(previous, current) ? [key] : [];
  };
}

export interface GroupKind {
  /** API group of the owner, '' for core; versions do not matter. */
  group: string;
  kind: string;
}

/** Key of the object's controller owner if it is of `owner`'s kind (same namespace), else none. */
export function controllerOwnerKey(object: KubernetesObject, owner: GroupKind): string | undefined {
  const ref = object.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref || ref.kind !== owner.kind) return undefined;
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  if (group !== owner.group) return undefined;
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${ref.name}` : ref.name;
}

export function ownerKeys<T extends KubernetesObject>(owner: GroupKind): KeyMapper<T> {
  return (change) => {
    const key = controllerOwnerKey(change.object, owner);
    return key === undefined ? [] : [key];
  };
}
