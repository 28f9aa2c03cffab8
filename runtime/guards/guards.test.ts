import { describe, expect, it } from 'vitest';
import {
  changeRatioTrip,
  deltaBoundOf,
  driftOfFields,
  driftOfSample,
  emptySnapshotTrip,
} from './guards.ts';

const fields = {
  sku: { path: 'ItemNo', type: 'string' },
  sourceCode: { value: 'wh1', type: 'string' },
  quantity: { path: 'Stock.OnHand', type: 'number' },
  deleted: { path: 'isDeleted', type: 'boolean' },
} as const;

describe('driftOfFields', () => {
  it.each([
    { declared: ['ItemNo', 'Stock'], drift: undefined },
    { declared: ['ItemNo', 'Stock.OnHand'], drift: undefined },
    { declared: ['ItemNo', 'Inventory'], drift: 'quantity reads Stock.OnHand' },
    { declared: ['Item', 'Stock'], drift: 'sku reads ItemNo' },
  ])('$declared → $drift', ({ declared, drift }) => {
    const result = driftOfFields(declared, fields);
    if (drift === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(drift);
  });
});

describe('driftOfSample', () => {
  const envelope = { key: 'k' } as never;
  const poison = {
    reasonCode: 'SF_INVALID_RECORD',
    reason: 'field onHand is not a number',
  } as never;
  it.each([
    { envelopes: [], poison: [], drift: false },
    { envelopes: [envelope], poison: [poison], drift: false },
    { envelopes: [], poison: [poison, poison], drift: true },
  ])(
    '$envelopes.length good, $poison.length bad → drift $drift',
    ({ envelopes, poison: bad, drift }) => {
      const result = driftOfSample({ envelopes, poison: bad, ignored: 0 });
      expect(result !== undefined).toBe(drift);
    },
  );
});

describe('blast radius', () => {
  it.each([
    { rows: 0, allow: false, trips: true },
    { rows: 0, allow: true, trips: false },
    { rows: 1, allow: false, trips: false },
  ])('empty snapshot of $rows rows, allowed $allow → trips $trips', ({ rows, allow, trips }) => {
    expect(emptySnapshotTrip(rows, allow) !== undefined).toBe(trips);
  });

  it.each([
    { changes: 40, entities: 100, max: 0.3, trips: true },
    { changes: 30, entities: 100, max: 0.3, trips: false },
    { changes: 40, entities: 0, max: 0.3, trips: false },
    { changes: 40, entities: 100, max: undefined, trips: false },
    { changes: 90, entities: 100, max: 0.5, trips: true },
    { changes: 50, entities: 100, max: 0.5, trips: false },
    { changes: 0, entities: 100, max: 0, trips: false },
    { changes: 1, entities: 100, max: 0, trips: true },
    { changes: 150, entities: 100, max: 1, trips: true },
  ])('$changes of $entities with max $max → trips $trips', ({ changes, entities, max, trips }) => {
    expect(changeRatioTrip({ changes, entities, maxChangeRatio: max }) !== undefined).toBe(trips);
  });

  it.each([
    { run: undefined, says: 'the export would change 40 of 100 entities (40.0%)' },
    { run: 'poll', says: 'the poll would change 40 of 100 entities' },
    { run: 'sweep', says: 'events missed en masse' },
    { run: 'poll', atLeast: true, says: 'the poll would change at least 40 of 100 entities' },
  ] as const)('a $run trip says $says and how to approve', ({ says, ...counted }) => {
    const message = changeRatioTrip({
      changes: 40,
      entities: 100,
      maxChangeRatio: 0.3,
      ...counted,
    });
    expect(message).toContain(says);
    expect(message).toContain('guards.maxChangeRatio 0.3');
    expect(message).toContain('annotate the SyncFlow with syncflow.io/approve');
  });

  it('an empty snapshot says which setting allows it and how to approve', () => {
    const message = emptySnapshotTrip(0, false);
    expect(message).toContain('guards.allowEmptySnapshot');
    expect(message).toContain('syncflow.io/approve');
  });
});

describe('deltaBoundOf', () => {
  it.each([
    { rows: 3, more: false, total: undefined, bound: 3 },
    { rows: 3, more: false, total: 10, bound: 3 },
    { rows: 0, more: false, total: undefined, bound: 0 },
    { rows: 5, more: true, total: 12, bound: 12 },
    { rows: 5, more: true, total: undefined, bound: Number.POSITIVE_INFINITY },
  ])('$rows rows, more $more, total $total → $bound', ({ bound, ...first }) => {
    expect(deltaBoundOf(first)).toBe(bound);
  });
});
