// SyncFlowReplay through the operator, its flows' pods and the replays' Jobs run by the local
// node against Kafka, Redis and the Commerce double: a dead-letter redrive after the mapping was
// fixed applies each previously rejected event once and completes; a replay from before the
// start of the log fails, its status saying why.
import type { Kafka } from 'kafkajs';
import type { SyncFlowReplayStatus } from '../../crds/replay.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import {
  bearerToken,
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
} from '../runtime/runtime-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { startReplayOperator, type ReplayOperator } from './replay-fixture.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import type { Manifest } from './syncflow-operator.ts';

const shared = sharedEnvironment();
const kafka: Kafka = kafkaFor(shared.kafkaBrokers);
const namespace = uniqueName('redrive');

function syncFlow(name: string, topic: string, quantityPath: string): Manifest {
  return {
    apiVersion: 'syncflow.io/v1alpha1',
    kind: 'SyncFlow',
    metadata: { name, namespace },
    spec: {
      flow: 'inventory',
      entity: 'sourceItem',
      maxLag: '30s',
      source: { connection: 'kafka', kafka: { topic } },
      mapping: {
        fields: {
          sku: { path: 'sku', type: 'string' },
          sourceCode: { path: 'warehouse', type: 'string' },
          quantity: { path: quantityPath, type: 'number' },
          version: { path: 'seq', type: 'integer' },
        },
      },
      sink: { connection: 'commerce' },
      state: { connection: 'redis' },
      initialSync: { from: 'beginning' },
    },
  };
}

function replayOf(name: string, spec: Record<string, string>): Manifest {
  return {
    apiVersion: 'syncflow.io/v1alpha1',
    kind: 'SyncFlowReplay',
    metadata: { name },
    spec,
  };
}

const events = (prefix: string, count: number): ReturnType<typeof inventoryMessage>[] =>
  Array.from({ length: count }, (_, i) =>
    inventoryMessage({ id: `${prefix}-${i}-1`, sku: `${prefix}-${i}`, onHand: 100 + i, seq: 1 }),
  );

async function messagesIn(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Failed for good, Ready False, saying why; refused before reading, so nothing read or written. */
function expectRefused(status: SyncFlowReplayStatus | undefined, why: string): void {
  const { message = '', conditions = [], completedAt, counts = {} } = status ?? {};
  expect(message).toContain(why);
  expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
  expect(completedAt).toBeDefined();
  expect([counts.read ?? 0, counts.applied ?? 0]).toEqual([0, 0]);
}

describe('SyncFlowReplay through the operator', () => {
  let operator: ReplayOperator;
  let commerce: CommerceDouble;

  beforeAll(async () => {
    commerce = await startCommerceDouble({ bearerToken });
    operator = await startReplayOperator({ namespace, shared, commerce });
  }, 300_000);

  afterAll(async () => {
    await operator?.stop();
    await commerce?.close();
  });

  it('redrives the dead-letter topic after the mapping is fixed, applying each rejected event once', async () => {
    const topic = uniqueName('stock');
    const deadLetterTopic = `${topic}.dlq`;
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: deadLetterTopic, partitions: 1 },
    ]);
    const from = new Date(Date.now() - 60_000).toISOString();
    const prefix = uniqueName('DLQ');
    await produce(kafka, topic, events(prefix, 6));
    // A wrong mapping: the quantity is read from a field the events do not carry.
    await operator.create(syncFlow('stock', topic, 'qtyOnHand'));
    await eventually(
      async () => expect(await messagesIn(deadLetterTopic)).toBeGreaterThanOrEqual(6),
      {
        timeoutMs: 120_000,
      },
    );
    const quantityOf = (i: number): number | undefined =>
      commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
    for (let i = 0; i < 6; i++) expect(quantityOf(i)).toBeUndefined();

    // The mapping is fixed; once the operator has rolled it out, the dead letters are redriven.
    const fixed = await operator.admin.apply(syncFlows, syncFlow('stock', topic, 'onHand'));
    const generation = fixed.metadata?.generation ?? 2;
    await eventually(async () => {
      const flow = await operator.admin.get<
        Manifest & { status?: { observedGeneration?: number } }
      >(syncFlows, { namespace, name: 'stock' });
      expect(flow?.status?.observedGeneration).toBe(generation);
    });
    await operator.create(replayOf('redrive', { flow: 'stock', from, source: 'deadLetter' }));
    const completed = await eventually(
      async () => {
        const status = await operator.replayStatusOf('redrive');
        expect(status?.phase, status?.message).toBe('Completed');
        return status;
      },
      { timeoutMs: 120_000 },
    );
    for (let i = 0; i < 6; i++) expect(quantityOf(i)).toBe(100 + i);
    const writes = commerce.state.writes.filter((w) => w.key.startsWith(`${prefix}-`));
    expect(writes).toHaveLength(6);
    expect(completed?.counts?.applied).toBe(6);
    expect(completed?.offsets?.[0]).toMatchObject({ partition: 0, from: 0 });
    expect(commerce.violations).toEqual([]);
  }, 300_000);

  it('fails a replay from before the start of the log, its status saying why', async () => {
    const topic = uniqueName('trimmed');
    await createTopics(kafka, [
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const prefix = uniqueName('OLD');
    await produce(kafka, topic, events(prefix, 6));
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    await admin.disconnect();
    await operator.create(syncFlow('trimmed', topic, 'onHand'));
    const from = new Date(Date.now() - 3_600_000).toISOString();
    await operator.create(replayOf('too-old', { flow: 'trimmed', from, mode: 'reapply' }));
    const failed = await eventually(
      async () => {
        const status = await operator.replayStatusOf('too-old');
        expect(status?.phase).toBe('Failed');
        return status;
      },
      { timeoutMs: 120_000 },
    );
    expectRefused(
      failed,
      `from ${from} is before the start of the log of ${topic} partition 0: records before offset 3 were removed`,
    );
  }, 300_000);
});
