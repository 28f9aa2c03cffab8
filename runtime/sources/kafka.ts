// Kafka source: a consumer group read with eachBatch, one partition's batch at a time in offset
// order (per-key order holds because a key lives in one partition), several partitions in
// parallel. Auto-commit is off: the Checkpoint commits after the pipeline finished a batch.
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { MessageIn } from '../flow/flow.ts';
import type { Source, SourceBatch } from './source.ts';

export interface KafkaPosition {
  topic: string;
  partition: number;
  /** The next offset to read (last processed + 1), as Kafka commits it. */
  offset: string;
  /**
   * Commits `offset` for this partition through the batch's own handle. `consumer.commitOffsets`
   * silently does nothing once `stop` began (kafkajs runner checks `running`), which lost the
   * commit of the batch SIGTERM let finish; the batch's handle commits until the group is left.
   */
  commit: () => Promise<void>;
}

export interface KafkaSourceOptions {
  consumer: Consumer;
  topic: string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
}

const noHeaders: Readonly<Record<string, string | undefined>> = Object.freeze({});

function headersOf(message: KafkaMessage): Readonly<Record<string, string | undefined>> {
  const { headers } = message;
  if (headers === undefined) return noHeaders;
  let out: Record<string, string | undefined> | undefined;
  for (const name in headers) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    out ??= {};
    out[name] = first === undefined ? undefined : first.toString();
  }
  return out ?? noHeaders;
}

export function messageInOf(topic: string, partition: number, message: KafkaMessage): MessageIn {
  return {
    key: message.key === null ? null : message.key.toString(),
    value: message.value,
    headers: headersOf(message),
    timestampMs: Number(message.timestamp),
    position: `${topic}/${partition}/${message.offset}`,
  };
}

/** How often a running batch offers a heartbeat (kafkajs throttles to its heartbeatInterval). */
const keepAliveEveryMs = 1000;

export class KafkaSource implements Source {
  readonly #options: KafkaSourceOptions;

  constructor(options: KafkaSourceOptions) {
    this.#options = options;
  }

  async run(handle: (batch: SourceBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
    const { consumer, topic, fromBeginning, partitionsConsumedConcurrently } = this.#options;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    const stopped = new Promise<void>((resolve) =>
      consumer.on(consumer.events.STOP, () => resolve()),
    );
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: (payload) => this.#eachBatch(payload, handle),
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    // disconnect() lets the batch in flight finish (its commit included) before it resolves.
    await consumer.disconnect();
    await stopped;
  }

  async #eachBatch(
    payload: EachBatchPayload,
    handle: (batch: SourceBatch) => Promise<void>,
  ): Promise<void> {
    const { batch } = payload;
    const last = batch.messages.at(-1);
    if (last === undefined || payload.isStale()) return;
    const offset = (BigInt(last.offset) + 1n).toString();
    const position: KafkaPosition = {
      topic: batch.topic,
      partition: batch.partition,
      offset,
      commit: () =>
        payload.commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
        }),
    };
    // A batch may outlast the session (a large catch-up fetch, a slow sink): the group keeps
    // hearing from this member while it runs; kafkajs sends at most one per heartbeatInterval.
    const keepAlive = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, keepAliveEveryMs);
    try {
      await handle({
        messages: batch.messages.map((m) => messageInOf(batch.topic, batch.partition, m)),
        label: `${batch.topic}/${batch.partition}`,
        position,
        heartbeat: () => payload.heartbeat(),
        isStale: () => payload.isStale(),
      });
    } finally {
      clearInterval(keepAlive);
    }
    payload.resolveOffset(last.offset);
  }
}
