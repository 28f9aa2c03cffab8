// Order status (a batch flow in the examples) through the pipeline and the shipment/invoice
// sink against the Commerce double, whose ship/invoice calls create a new document on every
// call. Deliveries arrive three times, reordered, and some answers are lost after Commerce
// committed them: each ERP document must still exist exactly once, with the right quantities.
import { describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  flowDocumentFor,
  pipelineFor,
  shuffledRounds,
  token,
  type PipelineRun,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceForFile(token);

// The example's SAP delivery shape (A_OutbDeliveryHeader with its items).
const fields = {
  orderNumber: { path: 'YY1_CommerceOrder_DLH', type: 'string' },
  documentId: { path: 'DeliveryDocument', type: 'string' },
  lines: { path: 'to_DeliveryDocumentItem.results', type: 'array' },
  lineSku: { path: 'Material', type: 'string' },
  lineQuantity: { path: 'ActualDeliveryQuantity', type: 'decimal' },
  trackingNumber: { path: 'TrackingNumber', type: 'string' },
  carrierCode: { path: 'Carrier', type: 'string' },
  sourceCode: { path: 'Plant', type: 'string' },
  version: { path: 'seq', type: 'integer' },
};

function statusFlow(entity: 'shipment' | 'invoice'): PipelineRun {
  return pipelineFor(
    flowDocumentFor({
      instanceId: uniqueName('i'),
      name: uniqueName(`status-${entity}`),
      flow: 'orderStatus',
      entity,
      fields,
      sinkConnection: commerceConnection(testbed.commerce.url),
      kafkaBrokers: env.kafkaBrokers,
      topic: 'unused',
      redisUrl: env.redisUrl,
      deletes: 'ignore',
    }),
    env.redisUrl,
  );
}

const document = (
  order: string,
  id: string,
  lines: [string, number][],
  extra: Record<string, unknown> = {},
) => ({
  YY1_CommerceOrder_DLH: order,
  DeliveryDocument: id,
  Plant: '1010',
  to_DeliveryDocumentItem: {
    results: lines.map(([Material, qty]) => ({ Material, ActualDeliveryQuantity: String(qty) })),
  },
  seq: 1,
  ...extra,
});

describe('order status sinks', () => {
  it('ships each ERP delivery once, with tracking and source, through repeats, reordering and lost answers', async () => {
    const orderNumber = uniqueName('SO');
    const order = testbed.commerce.state.addOrder(orderNumber, [
      { sku: 'A', qty: 4 },
      { sku: 'B', qty: 2 },
    ]);
    testbed.commerce.state.upsertSourceItem({
      sku: 'A',
      source_code: 'wh_chicago',
      quantity: 100,
      status: 1,
    });
    const d1 = document(orderNumber, '80001', [['A', 2]], {
      TrackingNumber: '1Z-1',
      Carrier: 'ups',
    });
    const d2 = document(
      orderNumber,
      '80002',
      [
        ['A', 2],
        ['B', 2],
      ],
      { TrackingNumber: '1Z-2', Carrier: 'ups' },
    );
    // The first ship call of each delivery commits in Commerce, but its answer is lost.
    testbed.commerce.failNext(2, { status: 503, route: '/ship', afterCommit: true });
    const flow = statusFlow('shipment');
    await flow.run([[d2], ...shuffledRounds([d1, d2]), [d1]]);
    await flow.close();
    const shipments = testbed.commerce.state.documentsOf('shipment', order.entity_id);
    expect(shipments.map((s) => s.tracks.map((t) => t.track_number)).sort()).toEqual([
      ['1Z-1'],
      ['1Z-2'],
    ]);
    expect(shipments.every((s) => s.extension_attributes?.source_code === 'wh_chicago')).toBe(true);
    expect(order.items.map((i) => [i.sku, i.qty_shipped])).toEqual([
      ['A', 4],
      ['B', 2],
    ]);
    expect(testbed.commerce.state.sourceItem('A', 'wh_chicago')?.quantity).toBe(96);
    expect(flow.deadLetters).toEqual([]);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('invoices each billing document once and only the quantity still open; an unknown order is dead-lettered', async () => {
    const orderNumber = uniqueName('SO');
    const order = testbed.commerce.state.addOrder(orderNumber, [{ sku: 'A', qty: 3 }]);
    const i1 = document(orderNumber, '90001', [['A', 2]]);
    // The ERP bills 2 again on a second document although only 1 is left open: capped at 1.
    const i2 = document(orderNumber, '90002', [['A', 2]]);
    testbed.commerce.failNext(1, { status: 503, route: '/invoice', afterCommit: true });
    const flow = statusFlow('invoice');
    await flow.run([
      [i1],
      ...shuffledRounds([i1, i2]),
      [document('no-such-order', '90009', [['A', 1]])],
    ]);
    await flow.close();
    const invoices = testbed.commerce.state.documentsOf('invoice', order.entity_id);
    expect(invoices.map((i) => i.items.map((l) => l.qty))).toEqual([[2], [1]]);
    expect(order.items[0]?.qty_invoiced).toBe(3);
    expect(flow.deadLetters.map((d) => d.reasonCode)).toEqual(['SF_UNKNOWN_ORDER']);
    expect(testbed.commerce.violations).toEqual([]);
  });
});
