// The runtime's composition root: `runtime/main.ts <consume|poll|batch|replay>`. Reads the environment
// and the flow document (SYNCFLOW_CONFIG, under SYNCFLOW_ROOT when set), builds the logger and
// the Kafka/Redis clients, refuses an evicting Redis, serves metrics, and runs the mode until
// SIGTERM (exit 0 after the batch in flight is committed) or a fatal error (exit 1).
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { pino, type Logger } from 'pino';
import { loadConfig, sessionTimeoutMsFor, type RuntimeConfig } from './config.ts';
import { assertRedisKeepsKeys } from './gate/gate.ts';
import { runtimeMetricsFor, serveMetrics } from './metrics/metrics.ts';
import { runConsume } from './modes/consume.ts';
import { runBatch } from './modes/batch.ts';
import { runPoll } from './modes/poll.ts';
import { runKindOf } from './modes/poll-sweep.ts';
import { replayRefusedExitCode, runReplay } from './modes/replay.ts';
import type { RunRecord } from './state/run-record.ts';
import type { BatchArchive } from './modes/batch-archive.ts';
import {
  baseSettingsFor,
  settingsFor,
  type BaseSettings,
  type KafkaConnectionSettings,
  type RuntimeSettings,
} from './settings.ts';

const modes = ['consume', 'poll', 'batch', 'replay'] as const;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function kafkaFor(
  settings: Pick<RuntimeSettings, 'identity'>,
  connection: KafkaConnectionSettings,
  log: Logger,
): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: `syncflow-${settings.identity.namespace}-${settings.identity.name}`,
    brokers: connection.brokers,
    ssl: connection.ssl,
    ...(connection.sasl ? { sasl: connection.sasl as SASLOptions } : {}),
    logLevel: logLevel.WARN,
    logCreator: () => (entry) =>
      kafkaLog.warn({ kafka: entry.log.message, error: entry.log['error'] as unknown }, 'kafkajs'),
  });
}

async function redisFor(
  settings: Pick<RuntimeSettings, 'redis'>,
  log: Logger,
  signal: AbortSignal,
): Promise<Redis> {
  const redis = new Redis(settings.redis.url, {
    ...(settings.redis.username ? { username: settings.redis.username } : {}),
    ...(settings.redis.password ? { password: settings.redis.password } : {}),
    lazyConnect: true,
    // Commands fail at once while Redis is away; the pipeline retries the step with backoff.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', (err: unknown) => log.debug({ err }, 'redis connection error'));
  while (!signal.aborted) {
    try {
      await redis.connect();
      return redis;
    } catch (err) {
      log.warn({ err }, 'redis not reachable, retrying');
      redis.disconnect();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return redis;
}

async function consume(
  config: Readonly<RuntimeConfig>,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  const files = { read: (path: string) => readFileSync(path, 'utf8'), pathOf: config.pathOf };
  const settings = settingsFor(config.flow, files);
  const redis = await redisFor(settings, log, signal);
  const policy = await assertRedisKeepsKeys(redis);
  if (!policy.persistent)
    log.warn(
      'Redis has neither AOF nor RDB persistence: a Redis restart forgets applied versions and ids',
    );
  const metrics = runtimeMetricsFor({
    flow: `${settings.identity.namespace}/${settings.identity.name}`,
    mode: 'consume',
  });
  const server = await serveMetrics(metrics.registry, config.env.SYNCFLOW_METRICS_PORT);
  const faultProbability = config.env.SYNCFLOW_FAULT_AFTER_SINK;
  try {
    await runConsume({
      settings,
      kafka: kafkaFor(settings, settings.kafka, log),
      redis,
      log,
      metrics,
      signal,
      gate: {
        idTtlSeconds: config.env.SYNCFLOW_GATE_ID_TTL_SECONDS,
        leaseMs: config.env.SYNCFLOW_GATE_LEASE_MS,
        mode: config.env.SYNCFLOW_GATE_MODE,
      },
      partitionsConsumedConcurrently: config.env.SYNCFLOW_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs:
        config.env.SYNCFLOW_KAFKA_SESSION_TIMEOUT_MS ??
        sessionTimeoutMsFor(config.flow.plan.maxLagSeconds),
      config: config.flow,
      files,
      ...(faultProbability > 0
        ? {
            afterSink: () =>
              Math.random() < faultProbability ? process.kill(process.pid, 'SIGKILL') : undefined,
          }
        : {}),
    });
  } finally {
    await server.close();
    redis.disconnect();
  }
}

/** `spec.archive` of a batch flow, with a client of its cluster. */
function batchArchiveOf(settings: BaseSettings, log: Logger): BatchArchive | undefined {
  const { archive } = settings;
  if (!archive) return undefined;
  return {
    kafka: kafkaFor(settings, archive.connection, log),
    topic: archive.topic,
    groupPrefix: archive.groupPrefix,
    retentionMs: archive.retentionMs,
    keepRuns: archive.keepRuns,
    log: log.child({ component: 'archive' }),
  };
}

/** Exit code of a poll or batch run: 0 succeeded, 1 failed, 4 refused by a guard or drift. */
function exitCodeOf(record: RunRecord): number {
  if (record.result === 'succeeded') return 0;
  return record.result === 'failed' ? 1 : 4;
}

/**
 * A continuous poller (a Deployment, for budgets a CronJob's minute cannot keep) polls every
 * interval until SIGTERM; exiting after one poll would make its Deployment a crash loop. A failed
 * poll is retried by the next one: its run record says what failed.
 */
async function pollContinuously(
  poll: () => Promise<RunRecord>,
  intervalMs: number,
  signal: AbortSignal,
): Promise<RunRecord> {
  let record = await poll();
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (!signal.aborted) record = await poll();
  }
  return record;
}

async function pollOrBatch(
  { mode, sweep }: { mode: 'poll' | 'batch'; sweep: boolean },
  config: Readonly<RuntimeConfig>,
  log: Logger,
  signal: AbortSignal,
): Promise<number> {
  const files = { read: (path: string) => readFileSync(path, 'utf8'), pathOf: config.pathOf };
  const settings = baseSettingsFor(config.flow, files);
  const redis = await redisFor(settings, log, signal);
  await assertRedisKeepsKeys(redis);
  const deps = {
    settings,
    redis,
    log,
    signal,
    gate: {
      idTtlSeconds: config.env.SYNCFLOW_GATE_ID_TTL_SECONDS,
      leaseMs: config.env.SYNCFLOW_GATE_LEASE_MS,
      mode: config.env.SYNCFLOW_GATE_MODE,
    },
    approval: config.env.SYNCFLOW_APPROVED_RUN,
    nowMs: () => Date.now(),
    config: config.flow,
    files,
    kind: sweep ? ('sweep' as const) : ('poll' as const),
  };
  const archive = batchArchiveOf(settings, log);
  try {
    const interval = config.flow.plan.pollIntervalSeconds;
    const record =
      mode === 'batch'
        ? await runBatch({ ...deps, mountDir: config.env.SYNCFLOW_BATCH_DIR, archive })
        : interval === undefined
          ? await runPoll(deps)
          : await pollContinuously(() => runPoll(deps), interval * 1000, signal);
    return exitCodeOf(record);
  } finally {
    redis.disconnect();
  }
}

/** A SyncFlowReplay's Job: exit 0 completed, 5 refused for good (no retry), 1 failed. */
async function replay(
  config: Readonly<RuntimeConfig>,
  log: Logger,
  signal: AbortSignal,
): Promise<number> {
  const { SYNCFLOW_REPLAY_ID: id, SYNCFLOW_REPLAY_FROM: fromIso } = config.env;
  if (id === undefined || fromIso === undefined)
    fail('runtime replay needs SYNCFLOW_REPLAY_ID and SYNCFLOW_REPLAY_FROM');
  const files = { read: (path: string) => readFileSync(path, 'utf8'), pathOf: config.pathOf };
  const settings = baseSettingsFor(config.flow, files);
  const redis = await redisFor(settings, log, signal);
  await assertRedisKeepsKeys(redis);
  try {
    const outcome = await runReplay({
      archive: batchArchiveOf(settings, log),
      config: config.flow,
      files,
      redis,
      kafkaFor: (s) => kafkaFor(s, s.kafka, log),
      log,
      signal,
      gate: {
        idTtlSeconds: config.env.SYNCFLOW_GATE_ID_TTL_SECONDS,
        leaseMs: config.env.SYNCFLOW_GATE_LEASE_MS,
        mode: config.env.SYNCFLOW_GATE_MODE,
      },
      replay: { id, fromIso, source: config.env.SYNCFLOW_REPLAY_SOURCE },
      nowMs: () => Date.now(),
    });
    if (outcome.phase === 'Failed') return outcome.refused ? replayRefusedExitCode : 1;
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** Whether this poll is an event flow's sweep; a mode the flow is not planned for exits 1. */
function isSweep(config: Readonly<RuntimeConfig>, mode: string): boolean {
  if (mode === 'replay') return false;
  const run = runKindOf(config.flow, mode);
  if ('refused' in run) fail(run.refused);
  return run.kind === 'sweep';
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (!modes.includes(mode as (typeof modes)[number]))
    fail(`usage: runtime/main.ts <${modes.join('|')}>`, 2);
  const loaded = loadConfig(process.env, (path) => readFileSync(path, 'utf8'));
  if (!loaded.ok) fail(loaded.error);
  const { config } = loaded;
  const sweep = isSweep(config, mode ?? '');
  const log = pino({
    level: config.env.SYNCFLOW_LOG_LEVEL,
    redact: ['*.password', '*.token', '*.bearerToken', '*.consumerSecret', '*.accessTokenSecret'],
  }).child({
    flow: `${config.flow.flow.namespace}/${config.flow.flow.name}`,
    mode,
  });
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'stopping: finishing the batch in flight');
      controller.abort();
    });
  }
  try {
    if (mode === 'replay') process.exit(await replay(config, log, controller.signal));
    if (mode === 'poll' || mode === 'batch')
      process.exit(await pollOrBatch({ mode, sweep }, config, log, controller.signal));
    await consume(config, log, controller.signal);
    process.exit(0);
  } catch (err) {
    log.fatal({ err }, 'runtime stopped on a fatal error');
    process.exit(1);
  }
}

await main();
