// Replay of an event flow: a consumer group of its own (`{flow group}.replay.{replayId}`),
// positioned once at the first offset at or after `from` and stopping at the end offsets
// recorded in Redis when the replay started, beside the live consumer and never holding it
// back. `source: deadLetter` reads the flow's dead-letter topic instead and gives each message
// its original position, timestamp and headers back, so it goes through the same pipeline and
// gate as if it came from the log. Wiring only; the range rules are in replay-range.ts.
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { FatalError } from '../errors.ts';
import type { MessageIn } from '../flow/flow.ts';
import { processBatch, type PipelineDeps } from '../pipeline/pipeline.ts';
import type { RuntimeSettings } from '../settings.ts';
import { deadLetterHeaders } from '../sinks/dead-letter.ts';
import { messageInOf } from '../sources/kafka.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { ReplayProgress } from './replay-progress.ts';
import {
  isReplayDone,
  replayRangesFor,
  withinRange,
  type PartitionRange,
  type RangeResult,
} from './replay-range.ts';

export interface KafkaReplayDeps {
  settings: RuntimeSettings;
  kafka: Kafka;
  log: Logger;
  signal: AbortSignal;
  replay: { id: string; fromMs: number; fromIso: string; source: 'log' | 'deadLetter' };
  progress: ReplayProgress;
  /** The pipeline with the replay's gate; its checkpoint is replaced per batch here. */
  pipeline: Omit<PipelineDeps, 'checkpoint'>;
}

export type KafkaReplayResult = { completed: string } | { refused: string };

const sfHeaders = new Set<string>(Object.values(deadLetterHeaders));

/** A dead-lettered message as it was read from the log: original position, time and headers. */
export function originalOf(dlq: MessageIn): MessageIn {
  const h = dlq.headers;
  const topic = h[deadLetterHeaders.topic];
  const partition = h[deadLetterHeaders.partition];
  const offset = h[deadLetterHeaders.offset];
  const timestampMs = Number(h[deadLetterHeaders.timestamp]);
  const headers = Object.fromEntries(Object.entries(h).filter(([name]) => !sfHeaders.has(name)));
  return {
    ...dlq,
    headers,
    ...(topic && partition && offset ? { position: `${topic}/${partition}/${offset}` } : {}),
    ...(Number.isFinite(timestampMs) ? { timestampMs } : {}),
  };
}

async function rangesOf(admin: Admin, topic: string, deps: KafkaReplayDeps): Promise<RangeResult> {
  if (!(await admin.listTopics()).includes(topic)) return { ranges: [] };
  const [offsets, atFrom] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchTopicOffsetsByTimestamp(topic, deps.replay.fromMs),
  ]);
  const byPartition = new Map(atFrom.map((o) => [o.partition, Number(o.offset)]));
  return replayRangesFor(
    topic,
    deps.replay.fromIso,
    offsets.map((o) => ({
      partition: o.partition,
      low: Number(o.low),
      high: Number(o.high),
      atFrom: byPartition.get(o.partition) ?? -1,
    })),
  );
}

/** The recorded ranges, or records them now (once: a restarted pod keeps the same end). */
async function recordedRanges(
  admin: Admin,
  deps: KafkaReplayDeps,
  names: { topic: string; groupId: string },
): Promise<RangeResult> {
  const state = await deps.progress.read();
  let ranges = state.ranges;
  if (!ranges) {
    const result = await rangesOf(admin, names.topic, deps);
    if ('refused' in result) return result;
    ranges = result.ranges;
    await deps.progress.start({ ...names, ranges: JSON.stringify(ranges) });
  } else await deps.progress.start({});
  if (!state.positioned && ranges.length > 0) {
    await admin.setOffsets({
      groupId: names.groupId,
      topic: names.topic,
      partitions: ranges.map((r) => ({ partition: r.partition, offset: String(r.from) })),
    });
    await deps.progress.set({ positioned: '1' });
  }
  return { ranges };
}

interface Run {
  consumer: Consumer;
  ranges: Map<number, PartitionRange>;
  committed: Map<number, number>;
  done: AbortController;
}

async function eachBatch(
  deps: KafkaReplayDeps,
  run: Run,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const range = run.ranges.get(batch.partition);
  const inRange = withinRange<KafkaMessage>(batch.messages, range);
  const last = inRange.at(-1);
  if (last !== undefined && !payload.isStale()) {
    const next = Number(last.offset) + 1;
    const messages = inRange.map((m) => messageInOf(batch.topic, batch.partition, m));
    const sourceBatch: SourceBatch = {
      messages: deps.replay.source === 'deadLetter' ? messages.map(originalOf) : messages,
      label: `${batch.topic}/${batch.partition}`,
      position: next,
      heartbeat: () => payload.heartbeat(),
      isStale: () => payload.isStale(),
    };
    const checkpoint = {
      commit: async (): Promise<void> => {
        await run.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(next) },
        ]);
        await deps.progress.committed(batch.partition, next);
      },
    };
    await processBatch(sourceBatch, { ...deps.pipeline, checkpoint });
    run.committed.set(batch.partition, next);
    payload.resolveOffset(last.offset);
  }
  // Offsets may have gaps (compaction, transaction markers): a record past the end closes it.
  if (range && batch.messages.some((m) => Number(m.offset) >= range.to))
    run.committed.set(batch.partition, range.to);
  if (isReplayDone([...run.ranges.values()], run.committed)) run.done.abort();
}

async function consumeRanges(
  deps: KafkaReplayDeps,
  topic: string,
  groupId: string,
  ranges: PartitionRange[],
): Promise<void> {
  const state = await deps.progress.read();
  const run: Run = {
    consumer: deps.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 10 } }),
    ranges: new Map(ranges.map((r) => [r.partition, r])),
    committed: state.committed,
    done: new AbortController(),
  };
  if (isReplayDone(ranges, run.committed)) return;
  const stop = (): void => run.done.abort();
  deps.signal.addEventListener('abort', stop, { once: true });
  const { consumer } = run;
  let failure: unknown;
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) {
      failure = event.payload.error;
      run.done.abort();
    }
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => eachBatch(deps, run, payload),
    });
    if (!run.done.signal.aborted)
      await new Promise((resolve) =>
        run.done.signal.addEventListener('abort', resolve, { once: true }),
      );
  } finally {
    deps.signal.removeEventListener('abort', stop);
    await consumer.disconnect();
  }
  if (failure !== undefined)
    throw failure instanceof Error
      ? failure
      : new FatalError('replay consumer crashed', { cause: failure });
}

export async function runKafkaReplay(
  deps: KafkaReplayDeps,
): Promise<KafkaReplayResult | undefined> {
  const { kafka: settings } = deps.settings;
  const topic = deps.replay.source === 'deadLetter' ? settings.deadLetterTopic : settings.topic;
  const groupId = `${settings.groupId}.replay.${deps.replay.id}`;
  const admin = deps.kafka.admin();
  await admin.connect();
  let ranges: PartitionRange[];
  try {
    const recorded = await recordedRanges(admin, deps, { topic, groupId });
    if ('refused' in recorded) return recorded;
    ranges = recorded.ranges;
  } finally {
    await admin.disconnect();
  }
  deps.log.info({ topic, groupId, ranges }, 'replaying');
  await consumeRanges(deps, topic, groupId, ranges);
  if (deps.signal.aborted) return undefined;
  const records = ranges.reduce((n, r) => n + (r.to - r.from), 0);
  return { completed: `replayed ${records} records of ${topic} from ${deps.replay.fromIso}` };
}
