import { describe, expect, it } from 'vitest';
import { keyOf, odataOperators, seekConditionOf, splitKey, sqlOperators } from './delta.ts';
import { normaliseDecimal } from './file-rows.ts';
import { odataTimeMs } from './odata.ts';
import { suiteqlFor } from './suiteql.ts';

describe('seekConditionOf', () => {
  it.each([
    {
      columns: [{ name: 'M', literal: '1' }],
      inclusive: true,
      ops: odataOperators,
      text: 'M ge 1',
    },
    {
      columns: [
        { name: 'M', literal: '1' },
        { name: 'K', literal: "'a'" },
      ],
      inclusive: false,
      ops: odataOperators,
      text: "(M gt 1 or (M eq 1 and K gt 'a'))",
    },
    {
      columns: [
        { name: 'D', literal: 'd' },
        { name: 'T', literal: 't' },
        { name: 'K', literal: 'k' },
      ],
      inclusive: false,
      ops: sqlOperators,
      text: '(D > d OR (D = d AND (T > t OR (T = t AND K > k))))',
    },
  ])('$text', ({ columns, inclusive, ops, text }) => {
    expect(seekConditionOf(columns, ops, inclusive)).toBe(text);
  });
});

describe('keys', () => {
  it.each([
    { values: ['A'], count: 1, key: 'A' },
    { values: ['A', 1010], count: 2, key: 'A|1010' },
  ])('$values ↔ $key', ({ values, count, key }) => {
    expect(keyOf(values)).toBe(key);
    expect(splitKey(key, count)).toEqual(values.map(String));
  });
});

describe('odataTimeMs', () => {
  it.each([
    { raw: '/Date(1747647000000)/', ms: 1747647000000 },
    { raw: '/Date(1747647000000+0000)/', ms: 1747647000000 },
    { raw: 'PT09H30M05S', ms: (9 * 3600 + 30 * 60 + 5) * 1000 },
    { raw: '2026-05-19T09:30:00Z', ms: Date.parse('2026-05-19T09:30:00Z') },
    { raw: 'yesterday', ms: undefined },
    { raw: 42, ms: undefined },
  ])('$raw → $ms', ({ raw, ms }) => {
    expect(odataTimeMs(raw)).toBe(ms);
  });
});

describe('normaliseDecimal (decimal comma files)', () => {
  it.each([
    { raw: '1.234,56', out: '1234.56' },
    { raw: '12,5', out: '12.5' },
    { raw: '-3', out: '-3' },
    { raw: '1,2,3', out: '1,2,3' },
    { raw: 'n/a', out: 'n/a' },
  ])('$raw → $out', ({ raw, out }) => {
    expect(normaliseDecimal(raw)).toBe(out);
  });
});

describe('suiteqlFor', () => {
  const spec = {
    recordType: 'inventorybalance',
    keyField: 'id',
    modifiedField: 'lastmodifieddate',
    pageSize: 1000,
    overlap: '2m',
  };
  it('seeks after the last row, ordered by (modified, id), modified read through TO_CHAR', () => {
    const q = suiteqlFor(spec, {
      after: { modifiedMs: Date.parse('2026-05-19T09:30:00Z'), key: '42' },
    });
    expect(q).toBe(
      "SELECT t.*, TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS sf_modified FROM inventorybalance t WHERE (t.lastmodifieddate > TO_TIMESTAMP('2026-05-19 09:30:00', 'YYYY-MM-DD HH24:MI:SS') OR (t.lastmodifieddate = TO_TIMESTAMP('2026-05-19 09:30:00', 'YYYY-MM-DD HH24:MI:SS') AND t.id > 42)) ORDER BY t.lastmodifieddate, t.id",
    );
  });
});
