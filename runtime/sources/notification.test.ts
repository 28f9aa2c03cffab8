import { describe, expect, it } from 'vitest';
import { recordFor, type MessageIn } from '../flow/flow.ts';
import { keysConditionOf, odataOperators, sqlOperators } from './delta.ts';
import { keyChunksOf, noticeOf, stateMessageOf, type Notice } from './notification.ts';

function message(value: unknown, extra: Partial<MessageIn> = {}): MessageIn {
  return {
    key: null,
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
    timestampMs: 1_000,
    position: 't/0/7',
    ...extra,
  };
}

const sapEvent = (data: unknown): unknown => ({
  specversion: '1.0',
  id: 'e1',
  source: '/sap/s4',
  type: 'sap.s4.beh.stock.v1.Stock.Changed.v1',
  time: '2026-05-19T09:30:00Z',
  data,
});

describe('noticeOf', () => {
  it.each([
    {
      name: 'CloudEvent with both key fields',
      message: message(sapEvent({ Material: 'M1', Plant: '1010' })),
      keyFields: ['Material', 'Plant'],
      key: 'M1|1010',
      timeMs: Date.parse('2026-05-19T09:30:00Z'),
    },
    {
      name: 'plain JSON, numeric key, Kafka time',
      message: message({ id: 42 }),
      keyFields: ['id'],
      key: '42',
      timeMs: 1_000,
    },
    {
      name: 'no key in the data: the Kafka key of a one-field key',
      message: message(sapEvent({}), { key: 'M9' }),
      keyFields: ['Material'],
      key: 'M9',
      timeMs: Date.parse('2026-05-19T09:30:00Z'),
    },
    {
      name: 'a missing part of a two-field key',
      message: message(sapEvent({ Material: 'M1' }), { key: 'M1' }),
      keyFields: ['Material', 'Plant'],
      key: undefined,
    },
    {
      name: 'an empty key value',
      message: message({ Material: '' }),
      keyFields: ['Material'],
      key: undefined,
    },
    {
      name: 'not JSON',
      message: { ...message({}), value: Buffer.from('{oops') },
      keyFields: ['Material'],
      key: undefined,
    },
  ])('$name', ({ message: m, keyFields, key, timeMs }) => {
    const notice = noticeOf(m, keyFields);
    expect(notice?.key).toBe(key);
    if (timeMs !== undefined) expect(notice?.timeMs).toBe(timeMs);
  });
});

describe('keyChunksOf', () => {
  const n = (key: string): Notice => ({ key, data: {}, timeMs: 0 });
  it.each([
    { keys: ['a', 'b', 'a', 'c'], size: 2, chunks: [['a', 'b'], ['c']] },
    { keys: ['a', undefined, 'b'], size: 5, chunks: [['a', 'b']] },
    { keys: [undefined], size: 5, chunks: [] },
  ])('$keys by $size', ({ keys, size, chunks }) => {
    expect(
      keyChunksOf(
        keys.map((k) => (k === undefined ? undefined : n(k))),
        size,
      ),
    ).toEqual(chunks);
  });
});

describe('keysConditionOf', () => {
  it.each([
    {
      names: ['ItemNo'],
      keys: ['A', "O'B"],
      ops: odataOperators,
      literal: (v: string) => `'${v.replaceAll("'", "''")}'`,
      text: "ItemNo eq 'A' or ItemNo eq 'O''B'",
    },
    {
      names: ['Material', 'Plant'],
      keys: ['M1|1010', 'M2|1020'],
      ops: odataOperators,
      literal: (v: string) => `'${v}'`,
      text: "(Material eq 'M1' and Plant eq '1010') or (Material eq 'M2' and Plant eq '1020')",
    },
    {
      names: ['t.id'],
      keys: ['1', '2'],
      ops: sqlOperators,
      literal: (v: string) => v,
      text: 't.id = 1 OR t.id = 2',
    },
  ])('$text', ({ names, keys, ops, literal, text }) => {
    expect(keysConditionOf(names, keys, { ops, literal })).toBe(text);
  });
});

describe('stateMessageOf', () => {
  const inventory = {
    flow: 'inventory' as const,
    options: {
      fields: {
        sku: { path: 'Material', type: 'string' as const },
        sourceCode: { path: 'Plant', type: 'string' as const },
        quantity: { path: 'Stock', type: 'decimal' as const },
      },
      deletes: 'apply' as const,
      defaults: {},
    },
  };
  const notified = message(sapEvent({ Material: 'M1', Plant: '1010' }));
  const notice = noticeOf(notified, ['Material', 'Plant']);
  const row = {
    key: 'M1|1010',
    modifiedMs: 5_000,
    data: { Material: 'M1', Plant: '1010', Stock: '47.000' },
  };

  it.each([
    {
      name: 'the entity exists: its state, versioned by its change time and read time',
      rows: [row],
      expected: {
        envelope: {
          key: 'M1|1010',
          version: 5_250,
          deleted: false,
          eventId: expect.stringMatching(/^odata:stock#M1\|1010@5000#[\w-]{12}$/) as string,
          position: 't/0/7',
          record: { sku: 'M1', sourceCode: '1010', quantity: 47 },
        },
      },
    },
    {
      name: 'the entity is gone: a deleted marker at the event time',
      rows: [],
      expected: {
        envelope: {
          key: 'M1|1010',
          deleted: true,
          version: Date.parse('2026-05-19T09:30:00Z'),
          position: 't/0/7',
        },
      },
    },
  ])('$name', ({ rows, expected }) => {
    const found = {
      source: 'odata:stock',
      rows: new Map(rows.map((r) => [r.key, r])),
      readAtMs: 5_250,
    };
    const out = stateMessageOf(notified, notice, found);
    expect(out.timestampMs).toBe(1_000);
    expect(recordFor(out, inventory)).toMatchObject(expected);
  });

  it('ignores the deleted marker under deletes: ignore', () => {
    const found = { source: 'odata:stock', rows: new Map() };
    const out = stateMessageOf(notified, notice, found);
    const ignoring = {
      ...inventory,
      options: { ...inventory.options, deletes: 'ignore' as const },
    };
    expect(recordFor(out, ignoring)).toEqual({
      ignored: 'deleted marker ignored (deletes: ignore)',
    });
  });

  it('passes a message without a key on, for the mapping to dead-letter', () => {
    const bare = message({ nothing: true });
    expect(stateMessageOf(bare, undefined, { source: 's', rows: new Map() })).toBe(bare);
  });
});
