import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../kube/client.ts';
import type { Change, ChangeType } from './object-cache.ts';
import { controllerOwnerKey, isRelevantUpdate, ownerKeys, primaryKeys } from './watch.ts';

const flow = (generation: number | undefined, rv: string, deleting = false): KubernetesObject => ({
  metadata: {
    name: 'f',
    namespace: 'ns',
    uid: 'u1',
    ...(generation === undefined ? {} : { generation }),
    resourceVersion: rv,
    ...(deleting ? { deletionTimestamp: new Date(0) } : {}),
  },
});
const change = (type: ChangeType, object: KubernetesObject): Change => ({ type, object });

describe('primaryKeys', () => {
  it.each([
    { name: 'create', steps: [change('added', flow(1, '1'))], expected: [['ns/f']] },
    {
      name: 'status-only update (same generation) is ignored',
      steps: [change('added', flow(1, '1')), change('modified', flow(1, '2'))],
      expected: [['ns/f'], []],
    },
    {
      name: 'spec update (new generation) is reconciled',
      steps: [change('added', flow(1, '1')), change('modified', flow(2, '2'))],
      expected: [['ns/f'], ['ns/f']],
    },
    {
      name: 'deletion starting without a generation bump is reconciled',
      steps: [change('added', flow(1, '1')), change('modified', flow(1, '2', true))],
      expected: [['ns/f'], ['ns/f']],
    },
    {
      name: 'delete is reconciled and forgets the uid',
      steps: [
        change('added', flow(1, '1')),
        change('deleted', flow(1, '2')),
        change('modified', flow(1, '3')),
      ],
      expected: [['ns/f'], ['ns/f'], ['ns/f']],
    },
    {
      name: 'an update seen first (after a restart) is reconciled',
      steps: [change('modified', flow(3, '9'))],
      expected: [['ns/f']],
    },
    {
      name: 'kinds without generation (ConfigMap) reconcile every update',
      steps: [change('added', flow(undefined, '1')), change('modified', flow(undefined, '2'))],
      expected: [['ns/f'], ['ns/f']],
    },
  ])('$name', ({ steps, expected }) => {
    const keys = primaryKeys();
    expect(steps.map((s) => keys(s))).toEqual(expected);
  });

  it('isRelevantUpdate compares generation and deletion only', () => {
    expect(
      isRelevantUpdate({ generation: 1, deleting: false }, { generation: 1, deleting: false }),
    ).toBe(false);
    expect(
      isRelevantUpdate({ generation: 1, deleting: true }, { generation: 1, deleting: true }),
    ).toBe(false);
  });
});

const owner = { group: 'syncflow.io', kind: 'SyncFlow' };
const child = (refs: object[], namespace = 'ns'): KubernetesObject => ({
  metadata: { name: 'c', namespace, ownerReferences: refs as never },
});
const ref = (over: object = {}): object => ({
  apiVersion: 'syncflow.io/v1alpha1',
  kind: 'SyncFlow',
  name: 'flow-a',
  uid: 'u',
  controller: true,
  ...over,
});

describe('controllerOwnerKey', () => {
  it.each([
    { name: 'controller owner of the kind', refs: [ref()], expected: 'ns/flow-a' },
    {
      name: 'another version of the same group',
      refs: [ref({ apiVersion: 'syncflow.io/v2' })],
      expected: 'ns/flow-a',
    },
    {
      name: 'owner that is not the controller',
      refs: [ref({ controller: false })],
      expected: undefined,
    },
    {
      name: 'controller of another kind',
      refs: [ref({ kind: 'Deployment', apiVersion: 'apps/v1' })],
      expected: undefined,
    },
    {
      name: 'same kind, other group',
      refs: [ref({ apiVersion: 'other.io/v1' })],
      expected: undefined,
    },
    { name: 'no owner', refs: [], expected: undefined },
    {
      name: 'picks the controller among several owners',
      refs: [ref({ name: 'x', controller: false }), ref({ name: 'y' })],
      expected: 'ns/y',
    },
  ])('$name', ({ refs, expected }) => {
    expect(controllerOwnerKey(child(refs), owner)).toBe(expected);
  });

  it('ownerKeys maps every change of a child, deletes included, to its owner', () => {
    const keys = ownerKeys(owner);
    expect(keys(change('deleted', child([ref()])))).toEqual(['ns/flow-a']);
    expect(keys(change('modified', child([])))).toEqual([]);
  });
});
