// SyncFlowReplay end to end: the operator (its own ServiceAccount, the shipped RBAC) with the
// local node in run mode, so the flow's consumer and the replay's Job really run the runtime
// against Kafka, Redis and the Commerce double. A replay from the test's start re-applies the
// events after a Commerce restore while live events keep flowing, walks to Completed, and is not
// run again when re-applied or deleted and re-created; a from before the log's start fails.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncFlowReplays } from '../../operator/controller/replay-controller.ts';
import { jobs } from '../../operator/kube/client.ts';
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
import type { Manifest } from './syncflow-operator.ts';

const shared = sharedEnvironment();
const kafka = kafkaFor(shared.kafkaBrokers);

describe('SyncFlowReplay', () => {
  let cluster: ReplayOperator | undefined;
  let commerce: CommerceDouble;
  const redis = new Redis(shared.redisUrl);
  const namespace = uniqueName('replay');
  const topic = uniqueName('stock');

  beforeAll(async () => {
    commerce = await startCommerceDouble({ bearerToken });
    cluster = await startReplayOperator({ namespace, shared, commerce });
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await commerce?.close();
    redis.disconnect();
  });

  it('re-applies past events beside live ones, completes, and never runs again', async () => {
    const replayCluster = cluster;
    if (!replayCluster) throw new Error('no cluster');
    const { admin } = replayCluster;
    const create = (object: Manifest): Promise<unknown> => replayCluster.create(object);
    const from = new Date(Date.now() - 60_000).toISOString();
    const prefix = uniqueName('SKU');
    const events = (seq: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        id: `${prefix}-${i}-${seq}`,
        sku: `${prefix}-${i}`,
        onHand: seq * 100 + i,
        seq,
      }));
    await produce(kafka, topic, events(1, 6).map(inventoryMessage));
    await create({
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncFlow',
      metadata: { name: 'stock' },
      spec: {
        flow: 'inventory',
        entity: 'sourceItem',
        maxLag: '30s',
        source: { connection: 'kafka', kafka: { topic } },
        mapping: {
          fields: {
            sku: { path: 'sku', type: 'string' },
            sourceCode: { path: 'warehouse', type: 'string' },
            quantity: { path: 'onHand', type: 'number' },
            version: { path: 'seq', type: 'integer' },
          },
        },
        sink: { connection: 'commerce' },
        state: { connection: 'redis' },
        initialSync: { from: 'beginning' },
      },
    });
    const quantityOf = (i: number): number | undefined =>
      commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
    await eventually(
      () => {
        for (let i = 0; i < 6; i++) expect(quantityOf(i)).toBe(100 + i);
      },
      { timeoutMs: 120_000 },
    );
    // A Commerce restore loses the writes; a reapply replay brings them back.
    for (let i = 0; i < 6; i++) commerce.state.deleteSourceItem(`${prefix}-${i}`, 'wh1');
    const replay = {
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncFlowReplay',
      metadata: { name: 'after-restore' },
      spec: { flow: 'stock', from, mode: 'reapply', source: 'log' },
    };
    await create(replay);
    await produce(kafka, topic, events(2, 3).map(inventoryMessage));
    const statusOf = () => replayCluster.replayStatusOf('after-restore');
    const completed = await eventually(
      async () => {
        const status = await statusOf();
        expect(status?.phase).toBe('Completed');
        return status;
      },
      { timeoutMs: 120_000 },
    );
    for (let i = 0; i < 3; i++) expect(quantityOf(i)).toBe(200 + i);
    for (let i = 3; i < 6; i++) expect(quantityOf(i)).toBe(100 + i);
    expect(completed?.startedAt).toBeDefined();
    expect(completed?.completedAt).toBeDefined();
    expect(completed?.counts?.read).toBeGreaterThanOrEqual(6);

    // Deleted and re-created with the same spec: remembered, no new Job.
    await admin.delete(syncFlowReplays, { namespace, name: 'after-restore' });
    await eventually(async () => expect(await statusOf()).toBeUndefined());
    await create(replay);
    await eventually(async () => {
      const status = await statusOf();
      expect(status?.phase).toBe('Completed');
      expect(status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('AlreadyHandled');
    });
    const recreated = await admin.get<Manifest>(syncFlowReplays, {
      namespace,
      name: 'after-restore',
    });
    const replayJobs = await admin.list<Manifest>(jobs, { namespace });
    const owned = replayJobs.items.filter((j) =>
      j.metadata?.ownerReferences?.some((o) => o.uid === recreated?.metadata?.uid),
    );
    expect(owned).toEqual([]);
  }, 400_000);
});
