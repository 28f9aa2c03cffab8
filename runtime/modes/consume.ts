// `runtime consume`: wiring only — a Kafka consumer group as the Source (for notification
// events wrapped in the reads of each entity from the ERP of `source.poll`, within that
// connection's shared budget), its committed offsets as the Checkpoint, the flow's sink
// (Commerce, or the ERP for orders), the gate, the dead-letter topic, and a heartbeat for the
// operator. Resolves when stopped; rejects with the fatal error that stopped it.
import { hostname } from 'node:os';
import type { Consumer, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Gate, stateKeysFor } from '../gate/gate.ts';
import type { RuntimeMetrics } from '../metrics/metrics.ts';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { attemptFor, isFatal, processBatch, type PipelineDeps } from '../pipeline/pipeline.ts';
import type { FileAccess, RuntimeSettings } from '../settings.ts';
import { ConcurrencyBudget, priorityOf } from '../sinks/budget/budget.ts';
import { sinkFor } from '../sinks/sink-for.ts';
import { KafkaDeadLetter } from '../sinks/dead-letter.ts';
import { pollSourceFor } from '../sources/delta-readers.ts';
import { KafkaSource } from '../sources/kafka.ts';
import { NotificationSource, type ReadCall } from '../sources/notification-source.ts';
import type { Source, SourceBatch } from '../sources/source.ts';
import { FatalError } from '../errors.ts';
import { KafkaOffsets } from '../state/kafka-offsets.ts';

export interface ConsumeDeps {
  settings: RuntimeSettings;
  kafka: Kafka;
  redis: Redis;
  log: Logger;
  metrics: RuntimeMetrics;
  signal: AbortSignal;
  gate: { idTtlSeconds: number; leaseMs: number; mode: 'normal' | 'reapply' };
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
  afterSink?: () => void;
  heartbeatIntervalMs?: number;
  /** The flow document and Secret files: notification events read the ERP through them. */
  config?: FlowConfig;
  files?: FileAccess;
}

/** Keys per ERP read: one `$filter` of this many keys stays well inside URL length limits. */
const maxKeysPerRequest = 40;
const retry = { initialBackoffMs: 200, maxBackoffMs: 5000 };

/** Kafka notifications turned into entity states read from the ERP of `source.poll`. */
function notificationsFor(
  deps: ConsumeDeps,
  inner: Source,
  signal: AbortSignal,
): { source: Source; close(): Promise<void> } {
  if (!deps.config || !deps.files)
    throw new FatalError('flow.spec.source.poll: notification events need the flow document');
  const poll = pollSourceFor(deps.config, deps.files);
  const { reader } = poll;
  const entities = reader.entities?.bind(reader);
  if (!entities) {
    void poll.client.close();
    throw new FatalError(`flow.spec.source.poll: ${reader.name} cannot read entities by key`);
  }
  const budget = new ConcurrencyBudget(deps.redis, {
    keyPrefix: `sf:${deps.settings.identity.instanceId}:budget:${poll.connection}`,
    maxInFlight: poll.maxInFlight,
    leaseMs: 5000,
    targetLatencyMs: Math.max(100, poll.requestTimeoutMs / 4),
  });
  const priority = priorityOf(deps.settings.flow.flow);
  const call: ReadCall = (batch, work) =>
    attemptFor({ policy: retry, log: deps.log, signal, keepAlive: () => batch.heartbeat() })(
      'read notified entities',
      async () => {
        const lease = await budget.acquire(priority, signal);
        const startedMs = Date.now();
        try {
          return await work();
        } finally {
          await lease.release(Date.now() - startedMs);
        }
      },
    );
  const source = new NotificationSource({
    inner,
    reader: { name: reader.name, entities },
    keyFields: poll.keyFields,
    keysPerRequest: Math.min(poll.pageSize, maxKeysPerRequest),
    call,
  });
  return { source, close: () => poll.client.close() };
}

function startHeartbeat(redis: Redis, key: string, log: Logger, intervalMs: number): () => void {
  const fields = (): Record<string, string | number> => ({
    atMs: Date.now(),
    mode: 'consume',
    host: hostname(),
  });
  const beat = (extra: Record<string, number> = {}): void => {
    redis
      .hset(key, { ...fields(), ...extra })
      .catch((err: unknown) => log.warn({ err }, 'heartbeat not written'));
  };
  beat({ startedAtMs: Date.now() });
  const timer = setInterval(beat, intervalMs);
  return () => clearInterval(timer);
}

function consumerFor(
  kafka: Kafka,
  options: { groupId: string; sessionTimeoutMs: number },
  onFatal: (err: unknown) => void,
): Consumer {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(options.sessionTimeoutMs / 3)),
    maxWaitTimeInMs: 100,
    // Catching up, a bigger fetch per partition collapses more events onto each key before the
    // gate and the sink see them (their cost follows keys, not events); at a steady rate a fetch
    // returns whatever arrived, so latency does not change. 4 MiB per partition, 16 MiB in all,
    // bounds what one fetch holds in memory.
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) onFatal(event.payload.error);
  });
  return consumer;
}

interface Wiring {
  pipeline: PipelineDeps;
  close(): Promise<void>;
}

async function wiringFor(deps: ConsumeDeps, signal: AbortSignal): Promise<Wiring> {
  const { settings, kafka, redis, log } = deps;
  const keys = stateKeysFor(settings.identity, settings.sink);
  const gate = new Gate(redis, {
    keys,
    leaseToken: keys.flow,
    leaseMs: deps.gate.leaseMs,
    idTtlSeconds: deps.gate.idTtlSeconds,
    mode: deps.gate.mode,
    nowMs: () => Date.now(),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 10 } });
  await producer.connect();
  const sink = sinkFor(settings, redis);
  const stopHeartbeat = startHeartbeat(
    redis,
    keys.heartbeat,
    log,
    deps.heartbeatIntervalMs ?? 10_000,
  );
  return {
    pipeline: {
      flow: settings.flow,
      gate,
      sink,
      deadLetter: new KafkaDeadLetter({
        producer,
        topic: settings.kafka.deadLetterTopic,
        flow: keys.flow,
        nowMs: () => Date.now(),
      }),
      checkpoint: new KafkaOffsets(),
      log,
      nowMs: () => Date.now(),
      signal,
      retry,
      busyWaitMs: 200,
      ...(deps.afterSink ? { afterSink: deps.afterSink } : {}),
    },
    close: async () => {
      stopHeartbeat();
      await Promise.allSettled([producer.disconnect(), sink.close()]);
    },
  };
}

export async function runConsume(deps: ConsumeDeps): Promise<void> {
  const { settings, log } = deps;
  const stop = new AbortController();
  deps.signal.addEventListener('abort', () => stop.abort(), { once: true });
  let fatal: unknown;
  const onFatal = (err: unknown): void => {
    fatal ??= err;
    stop.abort();
  };
  const consumer = consumerFor(
    deps.kafka,
    { groupId: settings.kafka.groupId, sessionTimeoutMs: deps.sessionTimeoutMs },
    onFatal,
  );
  const kafkaSource = new KafkaSource({
    consumer,
    topic: settings.kafka.topic,
    fromBeginning: settings.kafka.fromBeginning,
    partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
  });
  const notifications =
    settings.kafka.payload === 'notification'
      ? notificationsFor(deps, kafkaSource, stop.signal)
      : undefined;
  const source = notifications?.source ?? kafkaSource;
  const wiring = await wiringFor(deps, stop.signal);
  const handle = async (batch: SourceBatch): Promise<void> => {
    try {
      deps.metrics.observe(await processBatch(batch, wiring.pipeline), batch.label);
    } catch (err) {
      if (!isFatal(err)) throw err;
      // Not committed: the next owner of the partition re-delivers the batch.
      onFatal(err);
    }
  };
  log.info({ topic: settings.kafka.topic, groupId: settings.kafka.groupId }, 'consuming');
  try {
    await source.run(handle, stop.signal);
  } finally {
    await Promise.allSettled([wiring.close(), notifications?.close()]);
  }
  if (fatal !== undefined && !deps.signal.aborted)
    throw fatal instanceof Error ? fatal : new FatalError('consumer stopped', { cause: fatal });
  log.info('stopped');
}
