// Outages of the components the consumer stands on, each in its own environment: Redis stopped
// for 20 s mid-stream (the consumer stops committing, waits, resumes) and the Kafka broker
// restarted mid-stream. In both, Commerce ends with the newest state of every SKU.
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  bearerToken,
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
  spawnRuntime,
  stopRuntime,
  writeFlowRoot,
  type FlowFixtureOptions,
  type InventoryEvent,
} from './runtime-fixture.ts';

let env: Environment;
let kafka: Kafka;
let commerce: CommerceDouble;

beforeAll(async () => {
  env = await startEnvironment({ kafka: true, redis: true });
  kafka = kafkaFor(env.kafkaBrokers ?? []);
  commerce = await startCommerceDouble({ bearerToken });
});
afterAll(async () => {
  await commerce?.close();
  await env?.stop();
});

interface Stream {
  options: FlowFixtureOptions;
  expected: Map<string, number>;
  produceRange(from: number, to: number): Promise<void>;
  committed(): Promise<number>;
}

async function streamFor(): Promise<Stream> {
  const topic = uniqueName('outage');
  const options: FlowFixtureOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('flow'),
    flow: 'inventory',
    topic,
    deadLetterTopic: `${topic}.dlq`,
    kafkaBrokers: env.kafkaBrokers ?? [],
    redisUrl: env.redisUrl ?? '',
    commerceUrl: commerce.url,
  };
  await createTopics(kafka, [
    { topic, partitions: 3 },
    { topic: options.deadLetterTopic, partitions: 1 },
  ]);
  const prefix = uniqueName('O');
  const events: InventoryEvent[] = Array.from({ length: 6000 }, (_, i) => ({
    id: `o${i}`,
    sku: `${prefix}-${i % 300}`,
    onHand: i,
    seq: i + 1,
  }));
  const expected = new Map<string, number>();
  for (const e of events) expected.set(e.sku, e.onHand);
  return {
    options,
    expected,
    produceRange: async (from, to) => {
      for (let i = from; i < to; i += 200) {
        await produce(kafka, topic, events.slice(i, Math.min(i + 200, to)).map(inventoryMessage));
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    committed: async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchOffsets({
          groupId: `sf.${options.instanceId}.shop.${options.name}`,
          topics: [topic],
        });
        return (
          offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) ?? 0
        );
      } finally {
        await admin.disconnect();
      }
    },
  };
}

function expectConverged(expected: Map<string, number>): void {
  for (const [sku, quantity] of expected)
    expect(commerce.state.sourceItem(sku, 'wh1')?.quantity, sku).toBe(quantity);
}

describe('runtime consume through outages', () => {
  it(
    'stops committing while Redis is down for 20 s, then resumes and loses nothing',
    { timeout: 300_000 },
    async () => {
      const stream = await streamFor();
      const runtime = spawnRuntime(writeFlowRoot(stream.options), {
        SYNCFLOW_KAFKA_SESSION_TIMEOUT_MS: '10000',
      });
      try {
        await stream.produceRange(0, 2000);
        await eventually(async () => expect(await stream.committed()).toBe(2000), {
          timeoutMs: 60_000,
        });
        await env.redisServer?.stop();
        const producingDuringOutage = stream.produceRange(2000, 4000);
        const outageStartedMs = Date.now();
        const committedAtStart = await stream.committed();
        const writesAtStart = commerce.state.writes.length;
        await producingDuringOutage;
        await new Promise((r) =>
          setTimeout(r, Math.max(0, 20_000 - (Date.now() - outageStartedMs))),
        );
        expect(await stream.committed()).toBe(committedAtStart);
        expect(commerce.state.writes.length).toBe(writesAtStart);
        await env.redisServer?.start();
        await stream.produceRange(4000, 6000);
        await eventually(() => expectConverged(stream.expected), {
          timeoutMs: 120_000,
          intervalMs: 1000,
        });
        await eventually(async () => expect(await stream.committed()).toBe(6000), {
          timeoutMs: 60_000,
        });
        expect(runtime.child.exitCode).toBeNull();
      } finally {
        expect(await stopRuntime(runtime)).toEqual({ code: 0, signal: null });
      }
      const redis = new Redis(env.redisUrl ?? '');
      expect(
        await redis.hget(
          `sf:${stream.options.instanceId}:shop/${stream.options.name}:heartbeat`,
          'applied',
        ),
      ).not.toBeNull();
      redis.disconnect();
      expect(commerce.violations).toEqual([]);
    },
  );

  it(
    'resumes after a Kafka broker restart mid-stream and loses nothing',
    { timeout: 300_000 },
    async () => {
      const stream = await streamFor();
      const runtime = spawnRuntime(writeFlowRoot(stream.options), {
        SYNCFLOW_KAFKA_SESSION_TIMEOUT_MS: '10000',
      });
      try {
        await stream.produceRange(0, 3000);
        await eventually(async () => expect(await stream.committed()).toBeGreaterThan(0), {
          timeoutMs: 60_000,
        });
        await env.kafkaBroker?.stop();
        await env.kafkaBroker?.start();
        await stream.produceRange(3000, 6000);
        await eventually(() => expectConverged(stream.expected), {
          timeoutMs: 180_000,
          intervalMs: 1000,
        });
        await eventually(async () => expect(await stream.committed()).toBe(6000), {
          timeoutMs: 120_000,
        });
        expect(runtime.child.exitCode).toBeNull();
      } finally {
        const exit = await stopRuntime(runtime);
        if (exit.code !== 0) process.stderr.write(runtime.output.join('').slice(-5000));
        expect(exit).toEqual({ code: 0, signal: null });
      }
      expect(commerce.violations).toEqual([]);
    },
  );
});
