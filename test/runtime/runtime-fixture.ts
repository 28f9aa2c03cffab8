// Runs `runtime/main.ts consume` as a child process the way the local node runs a pod: the
// flow document and the Secret files under a root folder (SYNCFLOW_ROOT), real Kafka and
// Redis, and the Commerce double as the sink.
import { createReadyTopics } from '../support/kafka-topics.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { commerceConnection, writePodRoot } from './pod-root.ts';

export const bearerToken = 'integration-token';

export interface CommerceTestbed {
  redis: Redis;
  /** The Commerce double of the test file, started before its tests. */
  readonly commerce: CommerceDouble;
}

/** The Commerce double of one test file, answering `token`: started before its tests, closed after. */
export function commerceForFile(token = bearerToken): { readonly commerce: CommerceDouble } {
  let commerce: CommerceDouble | undefined;
  beforeAll(async () => {
    commerce = await startCommerceDouble({ bearerToken: token });
  });
  afterAll(async () => {
    await commerce?.close();
  });
  return {
    get commerce(): CommerceDouble {
      if (!commerce) throw new Error('the Commerce double starts in beforeAll');
      return commerce;
    },
  };
}

/** A Redis client and the Commerce double for one test file: started before its tests, closed after. */
export function commerceTestbed(redisUrl: string): CommerceTestbed {
  const redis = new Redis(redisUrl);
  afterAll(() => redis.disconnect());
  const double = commerceForFile();
  return {
    redis,
    get commerce(): CommerceDouble {
      return double.commerce;
    },
  };
}

export interface FlowFixtureOptions {
  instanceId: string;
  name: string;
  flow: 'inventory' | 'credit';
  topic: string;
  deadLetterTopic: string;
  kafkaBrokers: string[];
  redisUrl: string;
  commerceUrl: string;
  batchSize?: number;
  deletes?: 'ignore' | 'apply';
}

const mappings = {
  inventory: {
    entity: 'sourceItem',
    fields: {
      sku: { path: 'sku', type: 'string' },
      sourceCode: { path: 'warehouse', type: 'string' },
      quantity: { path: 'onHand', type: 'number' },
      version: { path: 'seq', type: 'integer' },
      deleted: { path: 'deleted', type: 'boolean' },
    },
  },
  credit: {
    entity: 'companyCredit',
    fields: {
      companyExternalId: { path: 'customer', type: 'string' },
      creditLimit: { path: 'limit', type: 'decimal' },
      currency: { path: 'currency', type: 'string' },
      onHold: { path: 'blocked', type: 'boolean' },
      version: { path: 'seq', type: 'integer' },
    },
  },
} as const;

/** Writes the flow document and the Commerce token under a fresh root; returns the root. */
export function writeFlowRoot(options: FlowFixtureOptions): string {
  const mapping = mappings[options.flow];
  const document = {
    configVersion: 1,
    instanceId: options.instanceId,
    flow: {
      namespace: 'shop',
      name: options.name,
      uid: `uid-${options.name}`,
      generation: 1,
      spec: {
        flow: options.flow,
        entity: mapping.entity,
        maxLag: '30s',
        source: {
          connection: 'kafka',
          kafka: {
            topic: options.topic,
            payload: 'full',
            deadLetterTopic: options.deadLetterTopic,
          },
        },
        mapping: { fields: mapping.fields },
        sink: { connection: 'commerce', commerce: { batchSize: options.batchSize ?? 20 } },
        state: { connection: 'redis' },
        deletes: options.deletes ?? 'ignore',
        initialSync: { from: 'beginning' },
      },
    },
    plan: { pattern: 'event', mode: 'consume', maxLagSeconds: 30 },
    connections: {
      kafka: { spec: { type: 'kafka', brokers: options.kafkaBrokers } },
      redis: { spec: { type: 'redis', url: options.redisUrl } },
      commerce: commerceConnection(options.commerceUrl),
    },
  };
  return writePodRoot(`sf-runtime-${options.name}`, document, { commerce: bearerToken });
}

export interface RuntimeProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnRuntime(
  root: string,
  env: Record<string, string> = {},
  mode = 'consume',
): RuntimeProcess {
  const child = spawn(process.execPath, ['runtime/main.ts', mode], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      PATH: process.env['PATH'] ?? '',
      SYNCFLOW_ROOT: root,
      SYNCFLOW_METRICS_PORT: '0',
      SYNCFLOW_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

export async function stopRuntime(
  runtime: RuntimeProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (runtime.child.exitCode === null && runtime.child.signalCode === null)
    runtime.child.kill('SIGTERM');
  return runtime.exited;
}

/** The runtimes a test file starts: each test pushes its own; all are stopped after each test. */
export function runtimeProcesses(): RuntimeProcess[] {
  const running: RuntimeProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stopRuntime));
  });
  return running;
}

export function kafkaFor(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'test', brokers, logLevel: logLevel.NOTHING });
}

/** Removes a partition's records up to and including `lastOffset`, as retention would. */
export async function deleteRecordsThrough(
  kafka: Kafka,
  { topic, partition, lastOffset }: { topic: string; partition: number; lastOffset: number },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({
      topic,
      partitions: [{ partition, offset: String(lastOffset + 1) }],
    });
  } finally {
    await admin.disconnect();
  }
}

export async function createTopics(
  kafka: Kafka,
  topics: { topic: string; partitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createReadyTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

export interface InventoryEvent {
  id: string;
  sku: string;
  warehouse?: string;
  onHand: number;
  seq: number;
  extra?: Record<string, unknown>;
}

export function inventoryMessage(e: InventoryEvent): Message {
  return {
    key: e.sku,
    value: JSON.stringify({
      specversion: '1.0',
      id: e.id,
      source: '/erp/stock',
      type: 'erp.stock.changed',
      data: {
        sku: e.sku,
        warehouse: e.warehouse ?? 'wh1',
        onHand: e.onHand,
        seq: e.seq,
        ...e.extra,
      },
    }),
  };
}

export async function produce(
  kafka: Kafka,
  topic: string,
  messages: Message[],
  chunk = 500,
): Promise<void> {
  // Idempotent: a send retried after a timeout under load must not append the messages twice,
  // or the log holds more than the test produced.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < messages.length; i += chunk)
    await producer.send({ topic, messages: messages.slice(i, i + chunk), acks: -1 });
  await producer.disconnect();
}

/** All messages of a topic (from the beginning) once `count` arrived. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<{ value: string; headers: Record<string, string> }[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const out: { value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${out.length} of ${count} messages on ${topic}`)),
      timeoutMs,
    );
    void consumer.run({
      eachMessage: ({ message }) => {
        out.push({
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}
