import { describe, expect, it } from 'vitest';
import { recordFor, type FlowDefinition, type MessageIn } from './flow.ts';

const orders: FlowDefinition = {
  flow: 'order',
  entity: 'salesOrder',
  options: {
    fields: {
      orderNumber: { path: 'increment_id', type: 'string' },
      customerExternalId: { path: 'extension_attributes.erp_customer_number', type: 'string' },
      lines: { path: 'items', type: 'array' },
      placedAt: { path: 'created_at', type: 'dateTime' },
      currency: { path: 'order_currency_code', type: 'string' },
      modifiedAt: { path: 'updated_at', type: 'dateTime' },
    },
    deletes: 'ignore',
    defaults: {},
  },
};

function message(data: Record<string, unknown>): MessageIn {
  return {
    key: null,
    value: Buffer.from(JSON.stringify(data)),
    headers: {},
    timestampMs: 1,
    position: 'p/0/1',
  };
}

const order = {
  increment_id: '000000042',
  created_at: '2026-05-19T09:30:00Z',
  updated_at: '2026-05-19T09:31:00Z',
  order_currency_code: 'USD',
  extension_attributes: { erp_customer_number: '100017' },
  items: [
    { item_id: 1, sku: 'CONF-1', qty_ordered: 2, price: 10 },
    { item_id: 2, parent_item_id: 1, sku: 'CONF-1-RED', qty_ordered: 2, price: 0 },
    { item_id: 3, sku: 'B', qty_ordered: 1 },
  ],
};

describe('order records', () => {
  it('maps a Commerce order, skipping child rows of configurable items', () => {
    expect(recordFor(message(order), orders)).toMatchObject({
      envelope: {
        key: '000000042',
        version: Date.parse('2026-05-19T09:31:00Z'),
        record: {
          orderNumber: '000000042',
          customerExternalId: '100017',
          currency: 'USD',
          placedAtMs: Date.parse('2026-05-19T09:30:00Z'),
          lines: [
            { sku: 'CONF-1', quantity: 2, price: 10 },
            { sku: 'B', quantity: 1, price: undefined },
          ],
        },
      },
    });
  });

  it.each([
    [{ ...order, items: [] }, /has no line/],
    [{ ...order, items: [{ sku: 'A', qty_ordered: 0 }] }, /positive quantity/],
    [{ ...order, extension_attributes: {} }, /customerExternalId/],
  ])('refuses %j', (data, reason) => {
    const result = recordFor(message(data), orders);
    expect('poison' in result && result.poison.reason).toMatch(reason);
  });
});
