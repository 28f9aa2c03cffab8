// `runtime replay` end to end, as child processes against real Kafka and Redis and the Commerce
// double, beside the live `runtime consume`: the range recorded at the start, fillGaps versus
// reapply after a Commerce restore, a `from` before the log's start, and a dead-letter redrive
// after the mapping was fixed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
  writeFlowRoot,
  type FlowFixtureOptions,
  type InventoryEvent,
  type RuntimeProcess,
  commerceTestbed,
  runtimeProcesses,
} from './runtime-fixture.ts';

const env = sharedEnvironment();
const kafka = kafkaFor(env.kafkaBrokers);
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;
const running = runtimeProcesses();

async function fixture(partitions = 3): Promise<FlowFixtureOptions> {
  const topic = uniqueName('topic');
  const options: FlowFixtureOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('flow'),
    flow: 'inventory',
    topic,
    deadLetterTopic: `${topic}.dlq`,
    kafkaBrokers: env.kafkaBrokers,
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
  };
  await createTopics(kafka, [
    { topic, partitions },
    { topic: options.deadLetterTopic, partitions: 1 },
  ]);
  return options;
}

function live(root: string): RuntimeProcess {
  const runtime = spawnRuntime(root);
  running.push(runtime);
  return runtime;
}

async function replay(
  root: string,
  request: { id: string; from: string; mode?: 'fillGaps' | 'reapply'; source?: string },
): Promise<{ code: number | null; output: string }> {
  const runtime = spawnRuntime(
    root,
    {
      SYNCFLOW_REPLAY_ID: request.id,
      SYNCFLOW_REPLAY_FROM: request.from,
      SYNCFLOW_REPLAY_SOURCE: request.source ?? 'log',
      SYNCFLOW_GATE_MODE: request.mode === 'reapply' ? 'reapply' : 'normal',
    },
    'replay',
  );
  const { code } = await runtime.exited;
  return { code, output: runtime.output.join('') };
}

const progressOf = (options: FlowFixtureOptions, id: string): Promise<Record<string, string>> =>
  redis.hgetall(`sf:${options.instanceId}:shop/${options.name}:replay:${id}`);

const eventsFor = (prefix: string, count: number, seq: number): InventoryEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}-${seq}`,
    sku: `${prefix}-${i}`,
    onHand: seq * 100 + i,
    seq,
  }));

describe('runtime replay', () => {
  it('fills gaps only where the gate lacks them, reapplies after a Commerce restore, and stops at the end recorded at the start', async () => {
    const options = await fixture();
    const root = writeFlowRoot(options);
    const from = new Date(Date.now() - 1000).toISOString();
    const prefix = uniqueName('RP');
    await produce(kafka, options.topic, eventsFor(prefix, 12, 1).map(inventoryMessage));
    live(root);
    const quantityOf = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
    await eventually(() => {
      for (let i = 0; i < 12; i++) expect(quantityOf(i)).toBe(100 + i);
    });
    // A Commerce restore loses the writes; the gate still knows them.
    for (let i = 0; i < 12; i++) testbed.commerce.state.deleteSourceItem(`${prefix}-${i}`, 'wh1');

    const gaps = await replay(root, { id: 'gaps.1', from });
    expect(gaps.code, gaps.output).toBe(0);
    expect(await progressOf(options, 'gaps.1')).toMatchObject({
      phase: 'Completed',
      recordsIn: '12',
      skippedDuplicate: '12',
    });
    expect(quantityOf(0)).toBeUndefined();

    const again = await replay(root, { id: 'reapply.1', from, mode: 'reapply' });
    expect(again.code, again.output).toBe(0);
    for (let i = 0; i < 12; i++) expect(quantityOf(i)).toBe(100 + i);
    const progress = await progressOf(options, 'reapply.1');
    expect(progress).toMatchObject({ phase: 'Completed', recordsIn: '12', applied: '12' });
    const ranges = JSON.parse(progress['ranges'] ?? '[]') as { from: number; to: number }[];
    expect(ranges.reduce((n, r) => n + r.to - r.from, 0)).toBe(12);

    // Live events after the request are the live consumer's; the finished replay is not re-run.
    await produce(kafka, options.topic, eventsFor(prefix, 12, 2).map(inventoryMessage));
    await eventually(() => {
      for (let i = 0; i < 12; i++) expect(quantityOf(i)).toBe(200 + i);
    });
    const rerun = await replay(root, { id: 'reapply.1', from, mode: 'reapply' });
    expect(rerun.code).toBe(0);
    expect(await progressOf(options, 'reapply.1')).toMatchObject({ recordsIn: '12' });
    for (let i = 0; i < 12; i++) expect(quantityOf(i)).toBe(200 + i);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('refuses a from before the start of the log, saying why', async () => {
    const options = await fixture(1);
    const root = writeFlowRoot(options);
    const prefix = uniqueName('OLD');
    await produce(kafka, options.topic, eventsFor(prefix, 6, 1).map(inventoryMessage));
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [options.topic] });
    await admin.deleteTopicRecords({
      topic: options.topic,
      partitions: [{ partition: 0, offset: '3' }],
    });
    await admin.disconnect();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const refused = await replay(root, { id: 'old.1', from });
    expect(refused.code).toBe(5);
    const progress = await progressOf(options, 'old.1');
    expect(progress['phase']).toBe('Failed');
    expect(progress['message']).toMatch(/before the start of the log .* records before offset 3/);
    expect(testbed.commerce.state.sourceItem(`${prefix}-3`, 'wh1')).toBeUndefined();
  });

  it('redrives the dead-letter topic once the mapping is fixed, applying each rejected event once', async () => {
    const options = await fixture();
    const root = writeFlowRoot(options);
    const configPath = join(root, 'etc/syncflow/flow.json');
    const fixed = readFileSync(configPath, 'utf8');
    // A wrong mapping: the quantity is read from a field the events do not carry.
    writeFileSync(configPath, fixed.replace('"path": "onHand"', '"path": "qtyOnHand"'));
    const from = new Date(Date.now() - 1000).toISOString();
    const prefix = uniqueName('DLQ');
    await produce(kafka, options.topic, eventsFor(prefix, 8, 1).map(inventoryMessage));
    const wrong = live(root);
    // At least once: a batch redelivered after a rebalance is dead-lettered again.
    await eventually(async () =>
      expect(
        Number(
          await redis.hget(
            `sf:${options.instanceId}:shop/${options.name}:heartbeat`,
            'deadLettered',
          ),
        ),
      ).toBeGreaterThanOrEqual(8),
    );
    await stopRuntime(wrong);
    writeFileSync(configPath, fixed);

    const redrive = await replay(root, { id: 'dlq.1', from, source: 'deadLetter' });
    expect(redrive.code, redrive.output).toBe(0);
    for (let i = 0; i < 8; i++)
      expect(testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity).toBe(100 + i);
    expect(await progressOf(options, 'dlq.1')).toMatchObject({ phase: 'Completed', applied: '8' });
    const writes = (): number =>
      testbed.commerce.state.writes.filter((w) => w.key.startsWith(`${prefix}-`)).length;
    expect(writes()).toBe(8);
    // A second redrive of the same dead letters finds them applied: nothing is written again.
    const second = await replay(root, { id: 'dlq.2', from, source: 'deadLetter' });
    expect(second.code).toBe(0);
    expect(await progressOf(options, 'dlq.2')).toMatchObject({ skippedDuplicate: '8' });
    expect(writes()).toBe(8);
  });
});
