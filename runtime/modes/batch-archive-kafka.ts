// The archive topic's I/O: creates the topic (one partition, delete policy, a retention covering
// the runs kept) when it does not exist, streams an export into it as chunk messages and an end
// marker (idempotent producer, acks all, one chunk in memory), and reads a run back as a byte
// stream through a consumer group of its own positioned at the run's first offset, checking
// every chunk and the checksum. The chunk rules are in batch-archive-chunks.ts.
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  archiveChunkBytes,
  checksumProblem,
  chunkHeadersFor,
  chunksOf,
  endHeadersFor,
  verdictOf,
  type ArchivedExport,
  type EndMarker,
} from './batch-archive-chunks.ts';

export interface ArchiveTopic {
  kafka: Kafka;
  topic: string;
  /** Prefix of the reading consumer groups: the flow's consumer group. */
  groupPrefix: string;
  /** retention.ms when the runtime creates the topic. */
  retentionMs: number;
  log: Logger;
}

function isAlreadyThere(err: unknown): boolean {
  return (err as { type?: string } | undefined)?.type === 'TOPIC_ALREADY_EXISTS';
}

/** Creates the topic unless it exists; an existing topic keeps its own settings. */
export async function ensureArchiveTopic(archive: ArchiveTopic): Promise<void> {
  const admin = archive.kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(archive.topic)) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: archive.topic,
            numPartitions: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'retention.ms', value: String(archive.retentionMs) },
            ],
          },
        ],
      })
      .catch(async (err: unknown) => {
        // Created meanwhile, or created but not yet in the metadata of a busy broker.
        if (!isAlreadyThere(err) && !(await admin.listTopics()).includes(archive.topic)) throw err;
      });
    archive.log.info(
      { topic: archive.topic, retentionMs: archive.retentionMs },
      'archive topic created',
    );
  } finally {
    await admin.disconnect();
  }
}

type ExportToArchive = Omit<
  ArchivedExport,
  'topic' | 'partition' | 'firstOffset' | 'lastOffset' | 'chunks' | 'bytes' | 'sha256'
> & {
  bytes: () => AsyncIterable<Uint8Array>;
};

async function sendOne(
  producer: Producer,
  topic: string,
  message: { key: string; value: Buffer; headers: Record<string, string> },
): Promise<{ partition: number; offset: number }> {
  const [meta] = await producer.send({ topic, acks: -1, messages: [message] });
  if (meta?.baseOffset === undefined)
    throw new Error(`produce to ${topic}: no offset in the answer`);
  return { partition: meta.partition, offset: Number(meta.baseOffset) };
}

/** Streams the export into the topic; resolves once the end marker is acknowledged. */
export async function writeArchive(
  archive: ArchiveTopic,
  run: ExportToArchive,
): Promise<ArchivedExport> {
  const producer = archive.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const hash = createHash('sha256');
    let chunks = 0;
    let bytes = 0;
    let first: { partition: number; offset: number } | undefined;
    const common = { runId: run.runId, modifiedMs: run.modifiedMs, format: run.format };
    for await (const chunk of chunksOf(run.bytes(), archiveChunkBytes)) {
      hash.update(chunk);
      bytes += chunk.length;
      const headers = chunkHeadersFor({ ...common, seq: chunks });
      const at = await sendOne(producer, archive.topic, {
        key: run.runId,
        value: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
        headers,
      });
      first ??= at;
      chunks += 1;
    }
    const sha256 = hash.digest('hex');
    const marker: EndMarker = { chunks, bytes, sha256 };
    const end = await sendOne(producer, archive.topic, {
      key: run.runId,
      value: Buffer.from(JSON.stringify(marker)),
      headers: endHeadersFor({ ...common, chunks }),
    });
    return {
      runId: run.runId,
      fileId: run.fileId,
      modifiedMs: run.modifiedMs,
      format: run.format,
      topic: archive.topic,
      partition: end.partition,
      firstOffset: (first ?? end).offset,
      lastOffset: end.offset,
      chunks,
      bytes,
      sha256,
    };
  } finally {
    await producer.disconnect();
  }
}

/** The first offset still in each partition of the topic (retention moves it up). */
export async function logStartsOf(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return new Map();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.low)]));
  } finally {
    await admin.disconnect();
  }
}

interface ReadState {
  /** Why the bytes read are not the run's export, once the stream failed for that reason. */
  problem: string | undefined;
  nextSeq: number;
  bytes: number;
  hash: ReturnType<typeof createHash>;
  out: PassThrough;
}

/** Writes into the stream, keeping the group session alive while the importer is busy. */
async function handOver(
  state: ReadState,
  chunk: Uint8Array,
  payload: EachMessagePayload,
): Promise<void> {
  if (state.out.write(chunk)) return;
  let drained = false;
  const wait = new Promise<void>((resolve) =>
    state.out.once('drain', () => {
      drained = true;
      resolve();
    }),
  );
  while (!drained && !state.out.destroyed) {
    await Promise.race([wait, new Promise((r) => setTimeout(r, 2000))]);
    if (!drained) await payload.heartbeat();
  }
}

async function onMessage(
  run: ArchivedExport,
  state: ReadState,
  payload: EachMessagePayload,
): Promise<void> {
  if (payload.partition !== run.partition || state.out.writableEnded || state.out.destroyed) return;
  const { message } = payload;
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([k, v]) => [
      k,
      v === undefined ? undefined : String(v),
    ]),
  );
  const verdict = verdictOf(run, state.nextSeq, {
    offset: Number(message.offset),
    headers,
    value: message.value,
  });
  const problem =
    'problem' in verdict
      ? verdict.problem
      : 'end' in verdict
        ? checksumProblem(
            run,
            { bytes: state.bytes, sha256: state.hash.digest('hex') },
            verdict.end,
          )
        : undefined;
  if (problem !== undefined) {
    state.problem = problem;
    state.out.destroy(new Error(problem));
  } else if ('end' in verdict) {
    state.out.end();
  } else if ('use' in verdict) {
    state.nextSeq += 1;
    state.bytes += verdict.use.length;
    state.hash.update(verdict.use);
    await handOver(state, verdict.use, payload);
  }
}

interface Reader {
  chunks: AsyncGenerator<Uint8Array>;
  /** Set when the chunks failed because the archive is not the run's export. */
  problem(): string | undefined;
}

async function* chunksRead(
  archive: Pick<ArchiveTopic, 'kafka' | 'groupPrefix' | 'log'>,
  run: ArchivedExport,
  state: ReadState,
): AsyncGenerator<Uint8Array> {
  const groupId = `${archive.groupPrefix}.archive-read.${randomUUID().slice(0, 8)}`;
  const admin = archive.kafka.admin();
  await admin.connect();
  const consumer = archive.kafka.consumer({
    groupId,
    maxBytes: 2 * archiveChunkBytes,
    maxBytesPerPartition: 2 * archiveChunkBytes,
    maxWaitTimeInMs: 100,
    retry: { retries: 10 },
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) state.out.destroy(event.payload.error);
  });
  try {
    await consumer.connect();
    // Other partitions start at their end and are ignored; the run's is moved to its first chunk
    // (admin.setOffsets would join the group once more, seconds per read).
    await consumer.subscribe({ topic: run.topic, fromBeginning: false });
    await consumer.run({ eachMessage: (payload) => onMessage(run, state, payload) });
    consumer.seek({ topic: run.topic, partition: run.partition, offset: String(run.firstOffset) });
    for await (const chunk of state.out) yield chunk as Uint8Array;
  } finally {
    state.out.destroy();
    await consumer.disconnect().catch(() => undefined);
    await admin
      .deleteGroups([groupId])
      .catch((err: unknown) =>
        archive.log.debug({ err, groupId }, 'archive reader group not deleted'),
      );
    await admin.disconnect();
  }
}

function readerOf(
  archive: Pick<ArchiveTopic, 'kafka' | 'groupPrefix' | 'log'>,
  run: ArchivedExport,
): Reader {
  const state: ReadState = {
    problem: undefined,
    nextSeq: 0,
    bytes: 0,
    hash: createHash('sha256'),
    out: new PassThrough({ highWaterMark: archiveChunkBytes }),
  };
  // The consumer may fail the stream before anyone iterates it; the iterator still sees the error.
  state.out.on('error', () => undefined);
  return { chunks: chunksRead(archive, run, state), problem: () => state.problem };
}

/**
 * The run's bytes, read back in order through a consumer group of its own; the stream fails
 * (and nothing more is yielded) on a missing chunk or a checksum mismatch. Memory: one fetch
 * and about two chunks.
 */
export function readArchive(
  archive: Pick<ArchiveTopic, 'kafka' | 'groupPrefix' | 'log'>,
  run: ArchivedExport,
): AsyncGenerator<Uint8Array> {
  return readerOf(archive, run).chunks;
}

/** Reads the run's archive through: why it is not the run's export, or undefined when it is. */
export async function verifyArchive(
  archive: Pick<ArchiveTopic, 'kafka' | 'groupPrefix' | 'log'>,
  run: ArchivedExport,
): Promise<string | undefined> {
  const reader = readerOf(archive, run);
  try {
    for await (const chunk of reader.chunks) void chunk;
    return undefined;
  } catch (err) {
    const problem = reader.problem();
    if (problem !== undefined) return problem;
    throw err;
  }
}
