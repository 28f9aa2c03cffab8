import { describe, expect, it } from 'vitest';
import { recordFor, type FlowDefinition, type MessageIn } from './flow.ts';

const fields = {
  sku: { path: 'SKU', type: 'string' },
  price: { path: 'Price', type: 'decimal' },
  storeId: { path: 'Store', type: 'integer' },
  websiteId: { path: 'Website', type: 'integer' },
  customerGroup: { path: 'Group', type: 'string' },
  quantity: { path: 'Qty', type: 'number' },
  priceType: { path: 'Type', type: 'string' },
  priceFrom: { path: 'From', type: 'date' },
  priceTo: { path: 'To', type: 'date' },
  sharedCatalog: { path: 'PriceList', type: 'string' },
  version: { path: 'seq', type: 'integer' },
  deleted: { path: 'deleted', type: 'boolean' },
} as const;

const pricing = (entity: string): FlowDefinition => ({
  flow: 'pricing',
  entity,
  options: { fields, deletes: 'apply', defaults: {} },
});

function message(data: Record<string, unknown>): MessageIn {
  return {
    key: null,
    value: Buffer.from(JSON.stringify({ seq: 1, ...data })),
    headers: {},
    timestampMs: 1,
    position: 'p/0/1',
  };
}

const day = (iso: string): number => Date.parse(iso);

describe('pricing records', () => {
  it.each([
    ['base', { SKU: 'A', Price: 9.5 }, 'A|0', { storeId: 0, price: 9.5 }],
    ['base', { SKU: 'A', Price: '9.50', Store: 2 }, 'A|2', { storeId: 2, price: 9.5 }],
    [
      'tier',
      { SKU: 'A', Price: 8, Group: 'Wholesale', Qty: 10 },
      'A|0|Wholesale|10',
      { customerGroup: 'Wholesale', quantity: 10, websiteId: 0, priceType: 'fixed' },
    ],
    [
      'tier',
      { SKU: 'A', Price: 5, Group: 'ALL GROUPS', Qty: 1, Website: 1, Type: 'discount' },
      'A|1|ALL GROUPS|1',
      { priceType: 'discount', websiteId: 1 },
    ],
    [
      'special',
      { SKU: 'A', Price: 7, From: '2026-06-01', To: '2026-06-07' },
      `A|0|${day('2026-06-01')}`,
      { priceFromMs: day('2026-06-01'), priceToMs: day('2026-06-07') },
    ],
    [
      'special',
      { SKU: 'A', Price: 7, From: '2026-06-01' },
      `A|0|${day('2026-06-01')}`,
      { priceToMs: undefined },
    ],
    [
      'sharedCatalog',
      { SKU: 'A', Price: 6, PriceList: 'Contract ACME' },
      'A|Contract ACME|0',
      { sharedCatalog: 'Contract ACME', price: 6 },
    ],
  ])('%s %j → key %s', (entity, data, key, expected) => {
    const result = recordFor(message(data), pricing(entity));
    expect(result).toMatchObject({ envelope: { key, record: { entity, ...expected } } });
  });

  it.each([
    ['base', { SKU: 'A' }, /required field price/],
    ['base', { SKU: 'A', Price: -1 }, /negative/],
    ['base', { SKU: ' ', Price: 1 }, /sku is empty/],
    ['base', { SKU: 'A', Price: 1, deleted: true }, /cannot be deleted/],
    ['tier', { SKU: 'A', Price: 1, Group: 'G' }, /required field quantity/],
    ['tier', { SKU: 'A', Price: 1, Group: 'G', Qty: 0 }, /must be positive/],
    ['special', { SKU: 'A', Price: 1 }, /required field priceFrom/],
    ['special', { SKU: 'A', Price: 1, From: '2026-06-07', To: '2026-06-01' }, /before priceFrom/],
    ['sharedCatalog', { SKU: 'A', Price: 1 }, /required field sharedCatalog/],
  ])('%s %j is refused', (entity, data, reason) => {
    const result = recordFor(message(data), pricing(entity));
    expect(result).toMatchObject({ poison: { reasonCode: 'SF_INVALID_RECORD' } });
    expect('poison' in result && result.poison.reason).toMatch(reason);
  });

  it('keeps a deleted tier or special row as a delete marker under deletes: apply', () => {
    const tier = recordFor(
      message({ SKU: 'A', Group: 'G', Qty: 5, deleted: true }),
      pricing('tier'),
    );
    expect(tier).toMatchObject({ envelope: { deleted: true, key: 'A|0|G|5' } });
  });
});
