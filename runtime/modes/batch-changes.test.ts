import { describe, expect, it } from 'vitest';
import { digestOf } from './batch-changes.ts';

describe('digestOf', () => {
  const record = { flow: 'inventory', sku: 'A', sourceCode: 'wh1', quantity: 5, status: 1 };
  it.each([
    { other: { ...record }, deleted: false, same: true },
    { other: { ...record, quantity: 6 }, deleted: false, same: false },
    { other: { ...record, status: 0 }, deleted: false, same: false },
    { other: { ...record }, deleted: true, same: false },
  ])('$other.quantity deleted $deleted → same $same', ({ other, deleted, same }) => {
    expect(digestOf(other, deleted) === digestOf(record, false)).toBe(same);
  });
});
