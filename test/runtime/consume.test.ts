// `runtime consume` end to end, as a child process against real Kafka and Redis and the
// Commerce double: duplicates, out-of-order versions, two flows on one SKU, dead letters.
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
  readTopic,
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

async function flowFixture(
  flow: 'inventory' | 'credit' = 'inventory',
  overrides: Partial<FlowFixtureOptions> = {},
): Promise<FlowFixtureOptions> {
  const topic = uniqueName('topic');
  const options: FlowFixtureOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('flow'),
    flow,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    kafkaBrokers: env.kafkaBrokers,
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
    ...overrides,
  };
  await createTopics(kafka, [
    { topic: options.topic, partitions: 3 },
    { topic: options.deadLetterTopic, partitions: 1 },
  ]);
  return options;
}

function start(options: FlowFixtureOptions, extraEnv: Record<string, string> = {}): RuntimeProcess {
  const runtime = spawnRuntime(writeFlowRoot(options), extraEnv);
  running.push(runtime);
  return runtime;
}

const skuOf = (prefix: string, i: number): string => `${prefix}-${i}`;

describe('runtime consume', () => {
  it('writes each event once to Commerce although every event is sent three times, interleaved', async () => {
    const options = await flowFixture();
    const prefix = uniqueName('DUP');
    const events: InventoryEvent[] = Array.from({ length: 60 }, (_, i) => ({
      id: `e-${i}`,
      sku: skuOf(prefix, i % 20),
      onHand: 100 + i,
      seq: i + 1,
    }));
    const rounds = [
      events,
      [...events].reverse(),
      events.filter((_, i) => i % 2 === 0).concat(events.filter((_, i) => i % 2 === 1)),
    ];
    await produce(kafka, options.topic, rounds.flat().map(inventoryMessage), 37);
    start(options);
    await eventually(
      () => {
        for (let s = 0; s < 20; s++)
          expect(testbed.commerce.state.sourceItem(skuOf(prefix, s), 'wh1')?.quantity).toBe(
            100 + 40 + s,
          );
      },
      { timeoutMs: 60_000 },
    );
    await eventually(async () =>
      expect(
        Number(
          await redis.hget(`sf:${options.instanceId}:shop/${options.name}:heartbeat`, 'recordsIn'),
        ),
        // at least once: a rebalance under load may deliver a message again; the gate drops it
      ).toBeGreaterThanOrEqual(180),
    );
    const writes = testbed.commerce.state.writes.filter((w) => w.key.startsWith(`${prefix}-`));
    const distinct = new Set(writes.map((w) => `${w.key}=${JSON.stringify(w.value)}`));
    expect(writes.length).toBe(distinct.size);
    expect(testbed.commerce.violations).toEqual([]);
  });
});

describe('runtime consume: ordering, dead letters, credit, lifecycle', () => {
  it('keeps the newest version when versions arrive out of order, also with a second flow writing the same SKUs', async () => {
    const instanceId = uniqueName('i');
    const events = await flowFixture('inventory', { instanceId });
    const snapshot = await flowFixture('inventory', { instanceId });
    const prefix = uniqueName('OOO');
    const skus = Array.from({ length: 10 }, (_, i) => skuOf(prefix, i));
    // Event flow: versions 1..30 per SKU shuffled; snapshot flow: versions 5, 15, 25 and 40.
    const eventMsgs = skus.flatMap((sku) =>
      Array.from({ length: 30 }, (_, v) => ({
        id: `${sku}-e${v + 1}`,
        sku,
        onHand: (v + 1) * 10,
        seq: v + 1,
      })),
    );
    const shuffled = eventMsgs
      .map((e, i) => ({ e, k: (i * 7919) % eventMsgs.length }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);
    const snapshotMsgs = skus.flatMap((sku, i) =>
      [5, 15, 25, ...(i % 2 === 0 ? [40] : [])].map((seq) => ({
        id: `${sku}-s${seq}`,
        sku,
        onHand: seq * 10 + 1,
        seq,
      })),
    );
    await Promise.all([
      produce(kafka, events.topic, shuffled.map(inventoryMessage), 25),
      produce(kafka, snapshot.topic, snapshotMsgs.map(inventoryMessage), 7),
    ]);
    start(events);
    start(snapshot);
    await eventually(
      async () => {
        skus.forEach((sku, i) =>
          expect(testbed.commerce.state.sourceItem(sku, 'wh1')?.quantity).toBe(
            i % 2 === 0 ? 401 : 300,
          ),
        );
        // the gate records a version just after the sink wrote it: wait for both
        const versions = await redis.hgetall(`sf:${instanceId}:v:commerce:sourceItem`);
        skus.forEach((sku, i) => expect(versions[`${sku}|wh1`]).toBe(i % 2 === 0 ? '40' : '30'));
      },
      { timeoutMs: 60_000 },
    );
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('dead-letters a delta event and malformed JSON with reasons while the partition keeps flowing', async () => {
    const options = await flowFixture();
    const prefix = uniqueName('DLQ');
    const sku = skuOf(prefix, 0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: options.topic,
      messages: [
        inventoryMessage({ id: 'a', sku, onHand: 10, seq: 1 }),
        inventoryMessage({ id: 'b', sku, onHand: 5, seq: 2, extra: { delta: -5 } }),
        { key: sku, value: '{"specversion": "1.0", "data": {' },
        inventoryMessage({ id: 'c', sku, onHand: 42, seq: 3 }),
      ],
    });
    await producer.disconnect();
    start(options);
    await eventually(
      () => expect(testbed.commerce.state.sourceItem(sku, 'wh1')?.quantity).toBe(42),
      {
        timeoutMs: 60_000,
      },
    );
    const dead = await readTopic(kafka, options.deadLetterTopic, 2);
    expect(dead.map((d) => d.headers['sf-error-code']).sort()).toEqual([
      'SF_DELTA_EVENT',
      'SF_MALFORMED_JSON',
    ]);
    for (const d of dead) {
      expect(d.headers).toMatchObject({
        'sf-flow': `shop/${options.name}`,
        'sf-original-topic': options.topic,
      });
      expect(d.headers['sf-error-reason']?.length).toBeGreaterThan(10);
      expect(Number(d.headers['sf-original-offset'])).toBeGreaterThanOrEqual(1);
    }
    await eventually(async () =>
      expect(
        await redis.hget(`sf:${options.instanceId}:shop/${options.name}:heartbeat`, 'deadLettered'),
      ).toBe('2'),
    );
  });

  it('sets the credit limit absolutely and the hold as company status', async () => {
    const options = await flowFixture('credit');
    const erpId = uniqueName('ERP');
    const company = testbed.commerce.state.addCompany(
      { company_name: 'ACME', reseller_id: erpId },
      { currency_code: 'EUR' },
    );
    const unknown = uniqueName('ERP');
    const message = (seq: number, limit: number, blocked: boolean, customer = erpId) => ({
      key: customer,
      value: JSON.stringify({
        specversion: '1.0',
        id: `${customer}-${seq}`,
        source: '/erp/credit',
        data: { customer, limit: String(limit), currency: 'EUR', blocked: blocked ? 'X' : '', seq },
      }),
    });
    await produce(kafka, options.topic, [
      message(1, 1000, false),
      message(3, 5000, true),
      message(2, 2000, false),
      message(1, 10, false, unknown),
    ]);
    start(options);
    await eventually(
      () => {
        expect(testbed.commerce.state.creditOfCompany(company.id)).toMatchObject({
          credit_limit: 5000,
          currency_code: 'EUR',
        });
        expect(testbed.commerce.state.companies.get(company.id)?.status).toBe(3);
      },
      { timeoutMs: 60_000 },
    );
    const dead = await readTopic(kafka, options.deadLetterTopic, 1);
    expect(dead[0]?.headers['sf-error-code']).toBe('SF_UNKNOWN_COMPANY');
    await produce(kafka, options.topic, [message(4, 5000, false)]);
    await eventually(() =>
      expect(testbed.commerce.state.companies.get(company.id)?.status).toBe(1),
    );
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('finishes and commits the batch in flight on SIGTERM and exits 0; a restart re-applies nothing', async () => {
    const options = await flowFixture();
    const prefix = uniqueName('TERM');
    await produce(
      kafka,
      options.topic,
      Array.from({ length: 300 }, (_, i) =>
        inventoryMessage({ id: `t${i}`, sku: skuOf(prefix, i % 30), onHand: i, seq: i }),
      ),
    );
    const first = start(options);
    // Every SKU's last write has reached Commerce: what remains in flight is the gate's record
    // and the offset commit, which SIGTERM must finish before the process exits.
    await eventually(
      () => {
        for (let s = 0; s < 30; s++)
          expect(testbed.commerce.state.sourceItem(skuOf(prefix, s), 'wh1')?.quantity).toBe(
            270 + s,
          );
      },
      { timeoutMs: 60_000 },
    );
    expect(await stopRuntime(first)).toEqual({ code: 0, signal: null });
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({
      groupId: `sf.${options.instanceId}.shop.${options.name}`,
      topics: [options.topic],
    });
    await admin.disconnect();
    expect(committed[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(300);
    const writesBefore = testbed.commerce.state.writes.filter((w) =>
      w.key.startsWith(`${prefix}-`),
    ).length;
    start(options);
    await produce(kafka, options.topic, [
      inventoryMessage({ id: 'last', sku: skuOf(prefix, 0), onHand: 1, seq: 1000 }),
    ]);
    await eventually(
      () => expect(testbed.commerce.state.sourceItem(skuOf(prefix, 0), 'wh1')?.quantity).toBe(1),
      { timeoutMs: 60_000 },
    );
    expect(testbed.commerce.state.writes.filter((w) => w.key.startsWith(`${prefix}-`)).length).toBe(
      writesBefore + 1,
    );
  });

  it('exits 1 naming every problem of a bad flow document', async () => {
    const options = await flowFixture();
    const root = writeFlowRoot(options);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      `${root}/etc/syncflow/flow.json`,
      JSON.stringify({ configVersion: 2, instanceId: '', flow: { namespace: 'shop' } }),
    );
    const runtime = spawnRuntime(root);
    expect((await runtime.exited).code).toBe(1);
    const output = runtime.output.join('');
    expect(output).toContain('configVersion');
    expect(output).toContain('instanceId');
    expect(output).toContain('flow.name');
  });

  it('refuses to run a flow planned for consume as poll', async () => {
    const runtime = spawnRuntime(writeFlowRoot(await flowFixture()), {}, 'poll');
    expect((await runtime.exited).code).toBe(1);
    expect(runtime.output.join('')).toContain('flow config plans mode consume');
  });
});
