import { describe, expect, it } from 'vitest';
import { recordFor, type FlowDefinition, type MessageIn } from './flow.ts';

const sapFields = {
  orderNumber: { path: 'YY1_CommerceOrder_DLH', type: 'string' },
  documentId: { path: 'DeliveryDocument', type: 'string' },
  lines: { path: 'to_DeliveryDocumentItem.results', type: 'array' },
  lineSku: { path: 'Material', type: 'string' },
  lineQuantity: { path: 'ActualDeliveryQuantity', type: 'decimal' },
  trackingNumber: { path: 'TrackingNumber', type: 'string' },
  carrierCode: { path: 'Carrier', type: 'string' },
  sourceCode: { path: 'ShippingPoint', type: 'string' },
  version: { path: 'seq', type: 'integer' },
} as const;

const flow = (entity: string, fields: FlowDefinition['options']['fields']): FlowDefinition => ({
  flow: 'orderStatus',
  entity,
  options: { fields, deletes: 'ignore', defaults: {}, sourceCodes: { '1010': 'wh_chicago' } },
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

const delivery = {
  YY1_CommerceOrder_DLH: '000000042',
  DeliveryDocument: '80001234',
  TrackingNumber: '1Z999',
  Carrier: 'ups',
  ShippingPoint: '1010',
  to_DeliveryDocumentItem: {
    results: [
      { Material: 'A', ActualDeliveryQuantity: '2' },
      { Material: 'B', ActualDeliveryQuantity: '0' },
    ],
  },
};

describe('order status records', () => {
  it('maps an SAP delivery to a shipment keyed on (order, delivery), dropping zero lines', () => {
    expect(recordFor(message(delivery), flow('shipment', sapFields))).toMatchObject({
      envelope: {
        key: '000000042|80001234',
        record: {
          entity: 'shipment',
          lines: [{ sku: 'A', quantity: 2, orderItemId: undefined }],
          tracks: [{ trackNumber: '1Z999', carrierCode: 'ups', title: 'ups' }],
          sourceCode: 'wh_chicago',
        },
      },
    });
  });

  it('reads Commerce-shaped lines by default and gives invoices no tracks', () => {
    const fields = {
      orderNumber: { path: 'order', type: 'string' },
      documentId: { path: 'invoice', type: 'integer' },
      lines: { path: 'items', type: 'array' },
      version: { path: 'seq', type: 'integer' },
    } as const;
    const result = recordFor(
      message({ order: '7', invoice: 90, items: [{ order_item_id: 3, qty: 1 }] }),
      flow('invoice', fields),
    );
    expect(result).toMatchObject({
      envelope: {
        key: '7|90',
        record: { entity: 'invoice', lines: [{ orderItemId: 3, quantity: 1 }], tracks: [] },
      },
    });
  });

  it.each([
    [{ ...delivery, DeliveryDocument: undefined }, /documentId/],
    [
      { ...delivery, to_DeliveryDocumentItem: { results: [{ ActualDeliveryQuantity: 1 }] } },
      /neither/,
    ],
    [{ ...delivery, to_DeliveryDocumentItem: { results: [{ Material: 'A' }] } }, /quantity/],
    [{ ...delivery, to_DeliveryDocumentItem: { results: [] } }, /no line/],
  ])('refuses %j', (data, reason) => {
    const result = recordFor(message(data), flow('shipment', sapFields));
    expect('poison' in result && result.poison.reason).toMatch(reason);
  });
});
