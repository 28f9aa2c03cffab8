// Orders from Commerce into the ERP through `runtime consume` (the example's orders flow is an
// event flow): Commerce order events from Kafka, sent twice and with older updates after newer
// ones, into the SAP-like OData double (no upsert: the runtime marks an unanswered create "in
// doubt" and reads before any retry) and the NetSuite double (upsert by eid:). The first
// create of each ERP commits and then answers only after the runtime gave up: still one order
// per Commerce order.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startErpOrdersDouble,
  type ErpOrdersDouble,
} from '../doubles/erp-orders/erp-orders-double.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  createTopics,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
  type RuntimeProcess,
} from './runtime-fixture.ts';
import { flowDocumentFor, writeRoot } from './sinks-fixture.ts';

const env = sharedEnvironment();
const kafka = kafkaFor(env.kafkaBrokers);
const redis = new Redis(env.redisUrl);
let erp: ErpOrdersDouble;
const running: RuntimeProcess[] = [];

beforeAll(async () => {
  erp = await startErpOrdersDouble({ externalIdField: 'PurchaseOrderByCustomer' });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map(stopRuntime));
});
afterAll(async () => {
  redis.disconnect();
  await erp.close();
});

// The example's orders mapping: a Commerce order event carries the whole order.
const fields = {
  orderNumber: { path: 'increment_id', type: 'string' },
  customerExternalId: { path: 'extension_attributes.erp_customer_number', type: 'string' },
  lines: { path: 'items', type: 'array' },
  placedAt: { path: 'created_at', type: 'dateTime' },
  modifiedAt: { path: 'updated_at', type: 'dateTime' },
};

function orderEvent(incrementId: string, minute: number) {
  return {
    key: incrementId,
    value: JSON.stringify({
      increment_id: incrementId,
      created_at: '2026-05-19T09:00:00Z',
      updated_at: `2026-05-19T09:${String(minute).padStart(2, '0')}:00Z`,
      extension_attributes: { erp_customer_number: '100017' },
      items: [
        { item_id: 1, sku: 'A', qty_ordered: 2, price: 10 },
        { item_id: 2, sku: 'B', qty_ordered: 1 + minute, price: 5 },
      ],
    }),
  };
}

async function runOrders(
  sinkConnection: Record<string, unknown>,
  sink: Record<string, unknown>,
  prefix: string,
): Promise<string[]> {
  const topic = uniqueName('orders');
  await createTopics(kafka, [
    { topic, partitions: 2 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  const numbers = Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`);
  // Every order twice, the newer update (minute 5) before the older one (minute 1).
  const events = numbers.flatMap((n) => [orderEvent(n, 5), orderEvent(n, 1), orderEvent(n, 5)]);
  await produce(kafka, topic, events);
  erp.commitThenHang(2, 4000);
  const instanceId = uniqueName('i');
  const name = uniqueName('orders');
  const lateBefore = erp.lateAnswers();
  const root = writeRoot(
    flowDocumentFor({
      instanceId,
      name,
      flow: 'order',
      entity: 'salesOrder',
      fields,
      sinkConnection,
      sink,
      kafkaBrokers: env.kafkaBrokers,
      topic,
      redisUrl: env.redisUrl,
      deletes: 'ignore',
    }),
  );
  const runtime = spawnRuntime(root, { SYNCFLOW_LOG_LEVEL: 'warn' });
  running.push(runtime);
  // Done when every event went through the gate and both late answers happened.
  await eventually(
    async () => {
      const heartbeat = `sf:${instanceId}:shop/${name}:heartbeat`;
      expect(Number(await redis.hget(heartbeat, 'recordsIn'))).toBe(events.length);
      expect(erp.lateAnswers() - lateBefore).toBe(2);
    },
    { timeoutMs: 60_000 },
  );
  return numbers;
}

const erpConnection = (type: string, url: string) => ({
  type,
  url,
  auth: { basic: { secretRef: { name: 'erp' } } },
  concurrency: { maxInFlight: 4 },
  requestTimeout: '1s',
});

describe('orders into the ERP', () => {
  it('SAP-style OData: a create that times out after committing is re-read, never sent twice', async () => {
    const prefix = uniqueName('SAP');
    const numbers = await runOrders(
      erpConnection('odata', `${erp.url}/odata`),
      { odata: { entitySet: 'A_SalesOrder', externalIdField: 'PurchaseOrderByCustomer' } },
      prefix,
    );
    for (const n of numbers) {
      const orders = erp.ordersWithRef(n);
      expect(orders).toHaveLength(1);
      expect(orders[0]?.body).toMatchObject({
        SoldToParty: '100017',
        to_Item: [
          { Material: 'A', RequestedQuantity: '2' },
          { Material: 'B', RequestedQuantity: '6' },
        ],
      });
    }
  });

  it('NetSuite: the eid: upsert keeps one order per Commerce order with the newest lines', async () => {
    const prefix = uniqueName('NS');
    const numbers = await runOrders(
      erpConnection('suiteql', erp.url),
      { suiteql: { recordType: 'salesOrder' } },
      prefix,
    );
    for (const n of numbers) {
      const orders = erp.ordersWithRef(n);
      expect(orders).toHaveLength(1);
      expect(orders[0]?.body).toMatchObject({
        externalId: n,
        entity: { externalId: '100017' },
        item: {
          items: [{ item: { externalId: 'A' } }, { item: { externalId: 'B' }, quantity: 6 }],
        },
      });
    }
  });
});
