// `runtime consume` of notification events (SAP Event Mesh, Business Central webhooks: keys,
// not state) as a child process against real Kafka and Redis, each ERP double and the Commerce
// double: the state written is the ERP's, read several keys per request within the
// connection's budget; an entity the ERP no longer has is deleted; an ERP outage is retried
// and never acknowledged.
import { describe, expect, it } from 'vitest';
import { startErpDouble, type ErpDialect, type ErpDouble } from '../doubles/erp/erp-double.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { keyedDialects, type DialectCase } from './poll-dialects.ts';
import { erpToken } from './run-fixture.ts';
import {
  createTopics,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
  commerceTestbed,
  runtimeProcesses,
} from './runtime-fixture.ts';
import { writeNotificationFlowRoot } from './notification-flow.ts';

const env = sharedEnvironment();
const kafka = kafkaFor(env.kafkaBrokers);
const testbed = commerceTestbed(env.redisUrl);
const running = runtimeProcesses();
const maxInFlight = 2;

interface Fixture {
  erp: ErpDouble;
  topic: string;
  groupId: string;
  root: string;
}

async function fixture(dialect: DialectCase): Promise<Fixture> {
  const erp = await startErpDouble({
    dialect: dialect.dialect as ErpDialect,
    entity: dialect.entity(),
    bearerToken: erpToken,
    delayMs: 150,
  });
  const topic = uniqueName('notify');
  await createTopics(kafka, [
    { topic, partitions: 1 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  const ids = { instanceId: uniqueName('i'), name: uniqueName('notify') };
  const root = writeNotificationFlowRoot('sf-notify', {
    ids,
    topic,
    dialect,
    erpUrl: erp.url,
    kafkaBrokers: env.kafkaBrokers,
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
    erpMaxInFlight: maxInFlight,
    deletes: 'apply',
  });
  return { erp, topic, root, groupId: `sf.${ids.instanceId}.shop.${ids.name}` };
}

/** A thin SAP-style CloudEvent: the entity's key (and its SKU where that is not the key). */
function notification(
  dialect: DialectCase,
  prefix: string,
  i: number,
  n: number,
): {
  key: string;
  value: string;
} {
  const [key, fields] = dialect.row(prefix, i, 0);
  const keyField = dialect.entity().keyField;
  const skuPath = (dialect.fields['sku'] as { path: string }).path;
  const data = { [keyField]: key, ...(skuPath === keyField ? {} : { [skuPath]: fields[skuPath] }) };
  const event = {
    specversion: '1.0',
    id: `${prefix}-n${n}`,
    source: '/sap/s4/stock',
    type: 'sap.s4.beh.stock.v1.Stock.Changed.v1',
    time: new Date().toISOString(),
    data,
  };
  return { key, value: JSON.stringify(event) };
}

describe.each(keyedDialects())(
  'runtime consume of notifications against the $dialect double',
  (dialect) => {
    it("writes each notified entity's state read from the ERP, batched within the budget, and deletes a vanished one", async () => {
      const { erp, topic, root } = await fixture(dialect);
      const prefix = uniqueName('N');
      const count = 12;
      for (let i = 0; i < count; i++) {
        const [key, fields] = dialect.row(prefix, i, 100 + i);
        erp.store.put(key, fields);
      }
      const quantity = (i: number): number | undefined =>
        testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
      try {
        // Produced before the consumer starts: one Kafka batch of twelve events, two per entity.
        const events = Array.from({ length: 2 * count }, (_, n) =>
          notification(dialect, prefix, n % count, n),
        );
        await produce(kafka, topic, events);
        running.push(spawnRuntime(root));
        await eventually(
          () => {
            for (let i = 0; i < count; i++) expect(quantity(i), `entity ${i}`).toBe(100 + i);
          },
          { timeoutMs: 60_000 },
        );
        // Five keys per read (the source's page size): 12 entities, 3 reads, at most 2 at once.
        expect(erp.pages.length).toBeLessThanOrEqual(3);
        expect(erp.maxConcurrent).toBeLessThanOrEqual(maxInFlight);

        const [gone] = dialect.row(prefix, 0, 0);
        erp.store.remove(gone);
        const [changed, fields] = dialect.row(prefix, 1, 777);
        erp.store.put(changed, fields, Date.now() + 2000);
        await produce(kafka, topic, [
          notification(dialect, prefix, 0, 100),
          notification(dialect, prefix, 1, 101),
        ]);
        await eventually(
          () => {
            expect(quantity(1)).toBe(777);
            expect(testbed.commerce.state.sourceItem(`${prefix}-0`, 'wh1')).toBeUndefined();
          },
          { timeoutMs: 60_000 },
        );
        for (let i = 2; i < count; i++)
          expect(testbed.commerce.state.writesOf('sourceItem', `${prefix}-${i}|wh1`)).toHaveLength(
            1,
          );
      } finally {
        await erp.close();
      }
    });
  },
);

describe('runtime consume of notifications during an ERP outage', () => {
  it('retries the read and never acknowledges the events it could not read', async () => {
    const [dialect] = keyedDialects();
    if (!dialect) throw new Error('no dialect');
    const { erp, topic, root, groupId } = await fixture(dialect);
    const prefix = uniqueName('O');
    const [key, fields] = dialect.row(prefix, 0, 55);
    erp.store.put(key, fields);
    erp.outageStatus = 503;
    try {
      await produce(kafka, topic, [notification(dialect, prefix, 0, 0)]);
      const first = spawnRuntime(root);
      running.push(first);
      await eventually(() => expect(erp.refused).toBeGreaterThanOrEqual(2), { timeoutMs: 60_000 });
      expect((await stopRuntime(first)).code).toBe(0);
      const admin = kafka.admin();
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      expect(committed?.partitions[0]?.offset).toBe('-1');
      expect(testbed.commerce.state.sourceItem(`${prefix}-0`, 'wh1')).toBeUndefined();

      erp.outageStatus = undefined;
      running.push(spawnRuntime(root));
      await eventually(
        () => expect(testbed.commerce.state.sourceItem(`${prefix}-0`, 'wh1')?.quantity).toBe(55),
        { timeoutMs: 60_000 },
      );
    } finally {
      await erp.close();
    }
  });
});
