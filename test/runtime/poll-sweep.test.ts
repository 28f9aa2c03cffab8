// The sweep of an event flow: `runtime poll` started by the sweep CronJob on a flow planned as
// `consume` (notification events, state read through source.poll) against real Kafka and
// Redis, the OData v4 double and the Commerce double. It writes what the events missed — an
// entity never notified, a change never notified — and nothing the events already applied; when
// it would write more than `guards.maxChangeRatio` of the entities it stops like a poll.
import { describe, expect, it } from 'vitest';
import { startErpDouble } from '../doubles/erp/erp-double.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { dialects, type DialectCase } from './poll-dialects.ts';
import { erpToken, runOnce } from './run-fixture.ts';
import {
  commerceTestbed,
  createTopics,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
} from './runtime-fixture.ts';
import { writeNotificationFlowRoot } from './notification-flow.ts';

const env = sharedEnvironment();
const kafka = kafkaFor(env.kafkaBrokers);
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;

const odata: DialectCase = (() => {
  const found = dialects.find((d) => d.dialect === 'odata-v4');
  if (!found) throw new Error('no odata-v4 dialect');
  return found;
})();

function writeEventFlow(
  ids: { instanceId: string; name: string },
  topic: string,
  erpUrl: string,
  guards?: Record<string, unknown>,
): string {
  // As the operator renders it for an event flow: the sweep CronJob mounts this same document.
  return writeNotificationFlowRoot('sf-sweep', {
    ids,
    topic,
    dialect: odata,
    erpUrl,
    kafkaBrokers: env.kafkaBrokers,
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
    commerceMaxInFlight: null,
    ...(guards ? { guards } : {}),
  });
}

function notification(key: string, n: number): { key: string; value: string } {
  const event = {
    specversion: '1.0',
    id: `${key}-n${n}`,
    source: '/erp/stock',
    type: 'erp.stock.changed',
    time: new Date().toISOString(),
    data: { ItemNo: key },
  };
  return { key, value: JSON.stringify(event) };
}

describe('the sweep poll of an event flow', () => {
  it('writes what the events missed and nothing they already applied', async () => {
    const erp = await startErpDouble({
      dialect: 'odata-v4',
      entity: odata.entity(),
      bearerToken: erpToken,
    });
    const topic = uniqueName('sweep');
    await createTopics(kafka, [
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const ids = { instanceId: uniqueName('i'), name: uniqueName('sweep') };
    const root = writeEventFlow(ids, topic, erp.url);
    const p = uniqueName('W');
    const keys = Array.from({ length: 6 }, (_, i) => odata.row(p, i, 100 + i)[0]);
    const quantity = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity;
    const writes = (i: number): number =>
      testbed.commerce.state.writesOf('sourceItem', `${p}-${i}|wh1`).length;
    try {
      for (let i = 0; i < 6; i++) erp.store.put(...odata.row(p, i, 100 + i));
      // The ERP notifies five of the six entities; the sixth event is never sent.
      await produce(
        kafka,
        topic,
        keys.slice(0, 5).map((key, n) => notification(key, n)),
      );
      const consumer = spawnRuntime(root);
      try {
        await eventually(
          () => {
            for (let i = 0; i < 5; i++) expect(quantity(i), `entity ${i}`).toBe(100 + i);
          },
          { timeoutMs: 60_000 },
        );
      } finally {
        expect((await stopRuntime(consumer)).code).toBe(0);
      }
      expect(quantity(5)).toBeUndefined();
      // A change the ERP never notifies either.
      erp.store.put(...odata.row(p, 1, 777), Date.now() + 1000);

      const sweep = await runOnce(root, 'poll');
      expect(sweep.code, sweep.output).toBe(0);
      expect(quantity(5)).toBe(105);
      expect(quantity(1)).toBe(777);
      for (const i of [0, 2, 3, 4]) {
        expect(quantity(i)).toBe(100 + i);
        expect(writes(i), `entity ${i} written again`).toBe(1);
      }
      expect(writes(1)).toBe(2);
      const run = await redis.lindex(`sf:${ids.instanceId}:shop/${ids.name}:runs`, 0);
      expect(JSON.parse(run ?? '{}')).toMatchObject({
        result: 'succeeded',
        records: 6,
        applied: 2,
        skipped: 4,
      });

      // The next sweep reads from its cursor: nothing new, nothing written.
      const again = await runOnce(root, 'poll');
      expect(again.code, again.output).toBe(0);
      expect(writes(5)).toBe(1);
      expect(writes(1)).toBe(2);
    } finally {
      await erp.close();
    }
  });

  it('stops a sweep that would write more than maxChangeRatio until a run is approved', async () => {
    const erp = await startErpDouble({
      dialect: 'odata-v4',
      entity: odata.entity(),
      bearerToken: erpToken,
    });
    const topic = uniqueName('sweepguard');
    await createTopics(kafka, [
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const ids = { instanceId: uniqueName('i'), name: uniqueName('sweepguard') };
    const root = writeEventFlow(ids, topic, erp.url, { maxChangeRatio: 0.3 });
    const p = uniqueName('G');
    const keys = Array.from({ length: 10 }, (_, i) => odata.row(p, i, 100 + i)[0]);
    const quantity = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity;
    const runs = `sf:${ids.instanceId}:shop/${ids.name}:runs`;
    const lastSweep = async (): Promise<Record<string, unknown>> =>
      JSON.parse((await redis.lindex(runs, 0)) ?? '{}') as Record<string, unknown>;
    try {
      for (let i = 0; i < 10; i++) erp.store.put(...odata.row(p, i, 100 + i));
      await produce(
        kafka,
        topic,
        keys.map((key, n) => notification(key, n)),
      );
      const consumer = spawnRuntime(root);
      try {
        await eventually(
          () => {
            for (let i = 0; i < 10; i++) expect(quantity(i), `entity ${i}`).toBe(100 + i);
          },
          { timeoutMs: 60_000 },
        );
      } finally {
        expect((await stopRuntime(consumer)).code).toBe(0);
      }

      // The sweep re-reads all ten (more than 0.3 · 10), but the events applied every one.
      const quiet = await runOnce(root, 'poll');
      expect(quiet.code, quiet.output).toBe(0);
      expect(await lastSweep()).toMatchObject({ result: 'succeeded', records: 10, applied: 0 });

      // The ERP changes eight entities and notifies none: the events were lost en masse.
      for (let i = 0; i < 8; i++) erp.store.put(...odata.row(p, i, 0), Date.now() + 1000);
      const writesBefore = testbed.commerce.state.writes.length;
      const refused = await runOnce(root, 'poll');
      expect(refused.code, refused.output).toBe(4);
      const record = await lastSweep();
      expect(record).toMatchObject({ mode: 'poll', result: 'guardTripped', applied: 0 });
      expect(record['message']).toMatch(
        /the sweep poll would change (at least )?\d+ of 10 entities/,
      );
      expect(record['message']).toContain('syncflow.io/approve');
      expect(testbed.commerce.state.writes.length).toBe(writesBefore);
      expect(quantity(0)).toBe(100);

      const approved = await runOnce(root, 'poll', { SYNCFLOW_APPROVED_RUN: 'sweep-1' });
      expect(approved.code, approved.output).toBe(0);
      expect(await lastSweep()).toMatchObject({
        result: 'succeeded',
        approval: 'sweep-1',
        applied: 8,
      });
      for (let i = 0; i < 8; i++) expect(quantity(i), `entity ${i}`).toBe(0);
      expect([quantity(8), quantity(9)]).toEqual([108, 109]);
    } finally {
      await erp.close();
    }
  });
});
