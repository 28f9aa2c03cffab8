import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../kube/client.ts';
import { ObjectCache, keyOf } from './object-cache.ts';

const obj = (
  name: string,
  rv: string,
  uid = `uid-${name}`,
  namespace = 'ns',
): KubernetesObject => ({
  metadata: { name, namespace, resourceVersion: rv, uid },
});

describe('ObjectCache', () => {
  it.each([
    {
      name: 'first list adds everything',
      before: [],
      after: [obj('a', '1'), obj('b', '1')],
      changes: ['added a', 'added b'],
    },
    {
      name: 'unchanged objects produce nothing',
      before: [obj('a', '1')],
      after: [obj('a', '1')],
      changes: [],
    },
    {
      name: 'a new resourceVersion is a modification',
      before: [obj('a', '1')],
      after: [obj('a', '2')],
      changes: ['modified a'],
    },
    {
      name: 'a vanished object is deleted',
      before: [obj('a', '1'), obj('b', '1')],
      after: [obj('b', '1')],
      changes: ['deleted a'],
    },
    {
      name: 'a recreated object (new uid) is a modification',
      before: [obj('a', '1')],
      after: [obj('a', '1', 'uid-2')],
      changes: ['modified a'],
    },
  ])('relist: $name', ({ before, after, changes }) => {
    const cache = new ObjectCache();
    cache.replace(before);
    const got = cache.replace(after).map((c) => `${c.type} ${c.object.metadata?.name}`);
    expect(got).toEqual(changes);
    expect(
      cache
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(after.map((o) => o.metadata?.name).sort());
  });

  it.each([
    { type: 'ADDED', start: [], event: obj('a', '1'), change: 'added', size: 1 },
    { type: 'MODIFIED', start: [obj('a', '1')], event: obj('a', '2'), change: 'modified', size: 1 },
    { type: 'MODIFIED', start: [obj('a', '1')], event: obj('a', '1'), change: undefined, size: 1 },
    { type: 'MODIFIED', start: [], event: obj('a', '3'), change: 'added', size: 1 },
    { type: 'DELETED', start: [obj('a', '1')], event: obj('a', '2'), change: 'deleted', size: 0 },
    { type: 'DELETED', start: [], event: obj('a', '2'), change: undefined, size: 0 },
  ] as const)(
    'watch $type on $start.length object(s) → $change',
    ({ type, start, event, change, size }) => {
      const cache = new ObjectCache();
      cache.replace(start);
      expect(cache.apply(type, event)?.type).toBe(change);
      expect(cache.size()).toBe(size);
    },
  );

  it('keys namespaced objects by namespace/name and cluster-scoped ones by name', () => {
    expect(keyOf(obj('a', '1'))).toBe('ns/a');
    expect(keyOf({ metadata: { name: 'n' } })).toBe('n');
  });
});

describe('ObjectCache keeps a spec its generation says did not change', () => {
  type Flow = KubernetesObject & { spec: { maxLag: string }; status?: { ready: boolean } };
  const flow = (rv: string, generation: number | undefined, maxLag: string): Flow => ({
    metadata: {
      name: 'f',
      namespace: 'ns',
      uid: 'uid-f',
      resourceVersion: rv,
      ...(generation === undefined ? {} : { generation }),
    },
    spec: { maxLag },
  });

  it.each([
    { name: 'a status write (same generation)', generation: [1, 1], shared: true },
    { name: 'a spec change (next generation)', generation: [1, 2], shared: false },
    { name: 'a kind without generation', generation: [undefined, undefined], shared: false },
  ])('$name: shared $shared, on a watch event and on a relist', ({ generation, shared }) => {
    for (const via of ['watch', 'relist'] as const) {
      const cache = new ObjectCache<Flow>();
      const first = flow('1', generation[0], '5m');
      cache.replace([first]);
      const next = { ...flow('2', generation[1], '5m'), status: { ready: true } };
      if (via === 'watch') cache.apply('MODIFIED', next);
      else cache.replace([next]);
      const cached = cache.get('ns/f')!;
      expect(cached.metadata?.resourceVersion).toBe('2');
      expect(cached.status).toEqual({ ready: true });
      expect(cached.spec === first.spec).toBe(shared);
      expect(cached.spec).toEqual({ maxLag: '5m' });
    }
  });

  it('keeps the cached object itself when a relist brings the same version', () => {
    const cache = new ObjectCache<Flow>();
    const first = flow('1', 1, '5m');
    cache.replace([first]);
    expect(cache.replace([flow('1', 1, '5m')])).toEqual([]);
    expect(cache.get('ns/f')).toBe(first);
  });
});
