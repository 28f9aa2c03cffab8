// The informer's store: objects by namespace/name, updated from a full list (diffed into
// added/modified/deleted changes) or from one watch event. Pure; the informer does the I/O.
import type { KubernetesObject } from '../kube/client.ts';

export type ChangeType = 'added' | 'modified' | 'deleted';

export interface Change<T extends KubernetesObject = KubernetesObject> {
  type: ChangeType;
  object: T;
}

/** `namespace/name`, or just `name` for cluster-scoped objects. */
export function keyOf(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectCache<T extends KubernetesObject> {
  private objects = new Map<string, T>();

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  size(): number {
    return this.objects.size;
  }

  /** Replaces the content with a fresh list; returns what changed since the previous content. */
  replace(items: readonly T[]): Change<T>[] {
    const next = new Map(items.map((item) => [keyOf(item), item]));
    const changes: Change<T>[] = [];
    for (const [key, old] of this.objects) {
      if (!next.has(key)) changes.push({ type: 'deleted', object: old });
    }
    for (const [key, item] of next) {
      const old = this.objects.get(key);
      if (!old) changes.push({ type: 'added', object: item });
      else if (sameVersion(old, item)) next.set(key, old);
      else {
        const kept = withSpecOf(old, item);
        next.set(key, kept);
        changes.push({ type: 'modified', object: kept });
      }
    }
    this.objects = next;
    return changes;
  }

  /** Applies one watch event; undefined when the cache already had this version. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): Change<T> | undefined {
    const key = keyOf(object);
    const old = this.objects.get(key);
    if (type === 'DELETED') {
      if (!old) return undefined;
      this.objects.delete(key);
      return { type: 'deleted', object };
    }
    if (old && sameVersion(old, object)) return undefined;
    const kept = old ? withSpecOf(old, object) : object;
    this.objects.set(key, kept);
    return { type: old ? 'modified' : 'added', object: kept };
  }
}

type WithSpec = KubernetesObject & { spec?: unknown };

/**
 * The new version, holding the old version's spec object when its generation says the spec did
 * not change (a status or metadata write): what was derived from a spec object (its parse, its
 * plan's validation) stays valid for it, and one copy is kept instead of two.
 */
function withSpecOf<T extends KubernetesObject>(old: T, next: T): T {
  const [before, after] = [old as WithSpec, next as WithSpec];
  const generation = after.metadata?.generation;
  if (
    generation === undefined ||
    before.metadata?.uid !== after.metadata?.uid ||
    before.metadata?.generation !== generation ||
    before.spec === undefined ||
    after.spec === undefined
  )
    return next;
  return { ...next, spec: before.spec };
}

function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  return (
    a.metadata?.uid === b.metadata?.uid &&
    a.metadata?.resourceVersion === b.metadata?.resourceVersion
  );
}
