// Benchmark of `runtime consume` (report-only; `npm run bench -- consume`): events/s through the
// full path (Kafka → map → gate → Commerce double → record → commit) against raw kafkajs
// consumption of the same topic in the same run, Redis round trips per event at full speed, and
// at a steady 1,000 events/s the runtime's own time from receiving a batch to the sink's
// acknowledged write (p50/p99) with produce-to-write p99 beside it. Writes bench-results/consume.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { pino } from 'pino';
import { runtimeMetricsFor } from '../runtime/metrics/metrics.ts';
import { runConsume } from '../runtime/modes/consume.ts';
import type { BatchOutcome } from '../runtime/pipeline/pipeline.ts';
import type { RuntimeSettings } from '../runtime/settings.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { runningEnvFile } from '../test/env/env-file.ts';
import { startEnvironment } from '../test/env/start-environment.ts';

interface Result {
  metric: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean | null;
}

const events = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const steadySeconds = Number(process.env['BENCH_STEADY_SECONDS'] ?? 20);
const run = Date.now().toString(36);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function message(i: number, skus: number, prefix = 'B'): Message {
  const sku = `${prefix}-${i % skus}`;
  return {
    key: sku,
    value: JSON.stringify({
      specversion: '1.0',
      id: `b${run}-${i}`,
      source: '/erp/stock',
      type: 'erp.stock.changed',
      data: { sku, warehouse: 'wh1', onHand: i, seq: i + 1 },
    }),
  };
}

async function produceAll(kafka: Kafka, topic: string, from: number, to: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let i = from; i < to; i += 1000)
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: Math.min(1000, to - i) }, (_, k) => message(i + k, 5000)),
    });
  await producer.disconnect();
}

async function rawConsumption(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `raw-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= events) resolve();
        return Promise.resolve();
      },
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return events / seconds;
}

function settingsFor(options: {
  topic: string;
  brokers: string[];
  redisUrl: string;
  commerceUrl: string;
  name: string;
}): RuntimeSettings {
  const fields = {
    sku: { path: 'sku', type: 'string' },
    sourceCode: { path: 'warehouse', type: 'string' },
    quantity: { path: 'onHand', type: 'number' },
    version: { path: 'seq', type: 'integer' },
  } as const;
  return {
    identity: { instanceId: `bench-${run}`, namespace: 'bench', name: options.name },
    flow: { flow: 'inventory', options: { fields, deletes: 'ignore', defaults: {} } },
    sink: { connection: 'commerce', entity: 'sourceItem' },
    kafka: {
      brokers: options.brokers,
      ssl: false,
      topic: options.topic,
      deadLetterTopic: `${options.topic}.dlq`,
      groupId: `sf.bench.${options.name}.${run}`,
      fromBeginning: true,
    },
    redis: { url: options.redisUrl },
    commerce: {
      flow: 'inventory',
      entity: 'sourceItem',
      tierKeyPrefix: `sf:bench-${run}:tiers:commerce`,
      addressKeyPrefix: `sf:bench-${run}:addresses:commerce`,
      lockKeyPrefix: `sf:bench-${run}:locks:commerce`,
      customerIdAttribute: 'erp_id',
      addressIdAttribute: 'erp_address_id',
      batchSize: 100,
      companyLookupField: 'reseller_id',
      client: {
        url: options.commerceUrl,
        storeCode: 'all',
        auth: { bearerToken: 'bench' },
        maxInFlight: 8,
        requestTimeoutMs: 30_000,
        nowMs: () => Date.now(),
      },
    },
  };
}

interface RuntimeRun {
  outcomes: BatchOutcome[];
  roundTrips: () => number;
  stop(): Promise<void>;
}

function startRuntime(kafka: Kafka, settings: RuntimeSettings): RuntimeRun {
  const redis = new Redis(settings.redis.url, { enableOfflineQueue: true });
  let roundTrips = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...args: Parameters<typeof send>) => {
    roundTrips += 1;
    return send(...args);
  };
  const outcomes: BatchOutcome[] = [];
  const metrics = runtimeMetricsFor({ flow: 'bench', mode: 'consume' });
  const observe = metrics.observe.bind(metrics);
  metrics.observe = (outcome, partition) => {
    outcomes.push(outcome);
    observe(outcome, partition);
  };
  const controller = new AbortController();
  const done = runConsume({
    settings,
    kafka,
    redis,
    log: pino({ level: 'warn' }),
    metrics,
    signal: controller.signal,
    gate: { idTtlSeconds: 3600, leaseMs: 30_000, mode: 'normal' },
    partitionsConsumedConcurrently: 3,
    sessionTimeoutMs: 10_000,
  });
  return {
    outcomes,
    roundTrips: () => roundTrips,
    stop: async () => {
      controller.abort();
      await done;
      redis.disconnect();
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

async function fullSpeed({
  kafka,
  topic,
  brokers,
  redisUrl,
  commerceUrl,
}: {
  kafka: Kafka;
  topic: string;
  brokers: string[];
  redisUrl: string;
  commerceUrl: string;
}): Promise<Result[]> {
  await produceAll(kafka, topic, 0, events);
  const rawPerSecond = await rawConsumption(kafka, topic);
  const full = startRuntime(
    kafka,
    settingsFor({ topic, brokers, redisUrl, commerceUrl, name: 'full' }),
  );
  const startedMs = performance.now();
  await until(() => full.outcomes.reduce((s, o) => s + o.recordsIn, 0) >= events);
  const fullPerSecond = events / ((performance.now() - startedMs) / 1000);
  const roundTripsPerEvent = full.roundTrips() / events;
  await full.stop();
  return [
    {
      metric: 'raw kafkajs consumption',
      value: Math.round(rawPerSecond),
      unit: 'events/s',
      target: 'reference',
      pass: null,
    },
    {
      metric: 'full path (map, gate, Commerce double, record, commit)',
      value: Math.round(fullPerSecond),
      unit: 'events/s',
      target: 'reference',
      pass: null,
    },
    {
      metric: 'full path / raw',
      value: Number((fullPerSecond / rawPerSecond).toFixed(3)),
      unit: 'ratio',
      target: '>= 0.5',
      pass: fullPerSecond / rawPerSecond >= 0.5,
    },
    {
      metric: 'Redis round trips per event at full speed',
      value: Number(roundTripsPerEvent.toFixed(4)),
      unit: 'round trips',
      target: '<= 0.05',
      pass: roundTripsPerEvent <= 0.05,
    },
  ];
}

/** 1,000 events/s: 10 events every 10 ms for steadySeconds; returns how many were sent. */
async function producePaced(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const t0 = performance.now();
  for (let tick = 0; tick < steadySeconds * 100; tick++) {
    await producer.send({
      topic,
      acks: 1,
      messages: Array.from({ length: 10 }, (_, k) => message(tick * 10 + k, 5000, 'S')),
    });
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (tick + 1) * 10 - performance.now())));
  }
  await producer.disconnect();
  return steadySeconds * 1000;
}

async function steadyRate({
  kafka,
  topic,
  brokers,
  redisUrl,
  commerceUrl,
}: {
  kafka: Kafka;
  topic: string;
  brokers: string[];
  redisUrl: string;
  commerceUrl: string;
}): Promise<Result[]> {
  const steady = startRuntime(
    kafka,
    settingsFor({
      topic,
      brokers,
      redisUrl,
      commerceUrl,
      name: 'steady',
    }),
  );
  const total = await producePaced(kafka, topic);
  await until(() => steady.outcomes.reduce((s, o) => s + o.recordsIn, 0) >= total);
  await steady.stop();
  const toWrite = steady.outcomes.map((o) => o.toWriteMs);
  const produceToWrite = steady.outcomes.flatMap((o) => o.produceToWriteMs);
  return [
    {
      metric: 'batch received → sink acknowledged, p50 @1,000 ev/s',
      value: percentile(toWrite, 50),
      unit: 'ms',
      target: 'reference',
      pass: null,
    },
    {
      metric: 'batch received → sink acknowledged, p99 @1,000 ev/s',
      value: percentile(toWrite, 99),
      unit: 'ms',
      target: '< 20',
      pass: percentile(toWrite, 99) < 20,
    },
    {
      metric: 'produce → sink acknowledged, p99 @1,000 ev/s',
      value: percentile(produceToWrite, 99),
      unit: 'ms',
      target: 'reference',
      pass: null,
    },
  ];
}

async function main(): Promise<void> {
  const shared = runningEnvFile();
  const env = shared ?? (await startEnvironment({ kafka: true, redis: true }));
  const brokers = env.kafkaBrokers ?? [];
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const double = spawn(process.execPath, [join(import.meta.dirname, 'consume-double.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [firstLine] = (await once(double.stdout, 'data')) as [Buffer];
  const commerce = {
    url: firstLine.toString().trim(),
    close: async () => {
      double.kill('SIGTERM');
      await once(double, 'exit');
    },
  };
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench-${run}`;
  const steadyTopic = `bench-steady-${run}`;
  await admin.createTopics({
    topics: [topic, steadyTopic].map((t) => ({ topic: t, numPartitions: 3 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const results: Result[] = [];
  try {
    results.push(
      ...(await fullSpeed({
        kafka,
        topic,
        brokers,
        redisUrl: env.redisUrl ?? '',
        commerceUrl: commerce.url,
      })),
    );
    results.push(
      ...(await steadyRate({
        kafka,
        topic: steadyTopic,
        brokers,
        redisUrl: env.redisUrl ?? '',
        commerceUrl: commerce.url,
      })),
    );
  } finally {
    await commerce.close();
    if (!shared) await (env as Awaited<ReturnType<typeof startEnvironment>>).stop();
  }
  console.table(results);
  console.log(
    `events ${events}, steady ${steadySeconds}s, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  );
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'consume.json'), JSON.stringify(results, null, 2));
  process.exit(0);
}

await main();
