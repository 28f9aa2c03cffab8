// The pure part of a batch flow's archive in Kafka: how an export's bytes become chunk messages
// (at most 512 KiB each, keyed by the run, numbered from 0) followed by an end marker carrying
// the chunk count, the byte count and the sha256 of the whole export; and how a reader decides,
// message by message, what belongs to the run it reads. Reading tolerates what a log can hold
// besides the run's own chunks: another run's messages in between, a chunk delivered again after
// a consumer rejoined; it refuses what would import wrong bytes: a missing chunk, an end marker
// or a checksum that does not match what the index recorded.

/** At most this many bytes per chunk message: under Kafka's default 1 MiB message limit. */
export const archiveChunkBytes = 512 * 1024;

/** Header names of archive messages. */
export const archiveHeaders = {
  runId: 'sf-run-id',
  seq: 'sf-seq',
  /** The export's own time (file mtime or Last-Modified) when known, ISO; empty otherwise. */
  asOf: 'sf-as-of',
  format: 'sf-format',
  /** Present (value `1`) on the end marker only. */
  end: 'sf-end',
} as const;

/** Where one run's archived export is, and what it must read back as. */
export interface ArchivedExport {
  runId: string;
  topic: string;
  partition: number;
  /** Offset of chunk 0 (of the end marker when the export was empty). */
  firstOffset: number;
  /** Offset of the end marker. */
  lastOffset: number;
  chunks: number;
  bytes: number;
  sha256: string;
  /** Identity of the export the run read (path or URL, size, time or ETag). */
  fileId: string;
  /** The export's own time, when known (the as-of time of a flow without an as-of column). */
  modifiedMs?: number | undefined;
  format: string;
}

/** Re-cuts a byte stream into chunks of at most `maxBytes`, holding at most one chunk. */
export async function* chunksOf(
  bytes: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let size = 0;
  for await (const piece of bytes) {
    let rest = piece;
    while (rest.length > 0) {
      const take = rest.subarray(0, maxBytes - size);
      pending.push(take);
      size += take.length;
      rest = rest.subarray(take.length);
      if (size === maxBytes) {
        yield Buffer.concat(pending);
        pending = [];
        size = 0;
      }
    }
  }
  if (size > 0) yield Buffer.concat(pending);
}

export function chunkHeadersFor(run: {
  runId: string;
  seq: number;
  modifiedMs: number | undefined;
  format: string;
}): Record<string, string> {
  return {
    [archiveHeaders.runId]: run.runId,
    [archiveHeaders.seq]: String(run.seq),
    [archiveHeaders.asOf]:
      run.modifiedMs === undefined ? '' : new Date(run.modifiedMs).toISOString(),
    [archiveHeaders.format]: run.format,
  };
}

export interface EndMarker {
  chunks: number;
  bytes: number;
  sha256: string;
}

export function endHeadersFor(run: {
  runId: string;
  chunks: number;
  modifiedMs: number | undefined;
  format: string;
}): Record<string, string> {
  return {
    ...chunkHeadersFor({ ...run, seq: run.chunks }),
    [archiveHeaders.end]: '1',
  };
}

export interface ArchiveMessage {
  offset: number;
  headers: Record<string, string | undefined>;
  value: Uint8Array | null;
}

export type ChunkVerdict =
  { use: Uint8Array } | { skip: string } | { end: EndMarker } | { problem: string };

function endOf(run: ArchivedExport, value: Uint8Array | null, nextSeq: number): ChunkVerdict {
  const marker = JSON.parse(Buffer.from(value ?? []).toString('utf8')) as Partial<EndMarker>;
  if (nextSeq !== run.chunks || marker.chunks !== run.chunks)
    return {
      problem: `the archive of run ${run.runId} ends after ${nextSeq} chunks, its end marker says ${marker.chunks ?? '?'}, the index ${run.chunks}`,
    };
  return { end: { chunks: run.chunks, bytes: marker.bytes ?? -1, sha256: marker.sha256 ?? '' } };
}

/** What to do with one message of the run's partition, `nextSeq` chunks having been used. */
export function verdictOf(
  run: ArchivedExport,
  nextSeq: number,
  message: ArchiveMessage,
): ChunkVerdict {
  if (message.offset < run.firstOffset || message.offset > run.lastOffset)
    return { skip: 'outside the run' };
  if (message.headers[archiveHeaders.runId] !== run.runId) return { skip: 'another run' };
  if (message.headers[archiveHeaders.end] === '1') return endOf(run, message.value, nextSeq);
  const seq = Number(message.headers[archiveHeaders.seq]);
  if (!Number.isInteger(seq) || seq < nextSeq) return { skip: 'delivered again' };
  if (seq > nextSeq)
    return {
      problem: `chunk ${nextSeq} of the archive of run ${run.runId} is missing (offset ${message.offset} holds chunk ${seq})`,
    };
  return { use: message.value ?? new Uint8Array() };
}

/** Why the bytes read back are not the export the run archived, if they are not. */
export function checksumProblem(
  run: ArchivedExport,
  read: { bytes: number; sha256: string },
  marker: EndMarker,
): string | undefined {
  if (read.bytes === run.bytes && read.sha256 === run.sha256 && marker.sha256 === run.sha256)
    return undefined;
  return (
    `checksum mismatch in the archive of run ${run.runId} (${run.topic} partition ${run.partition}, ` +
    `offsets ${run.firstOffset}-${run.lastOffset}): read ${read.bytes} bytes with sha256 ${read.sha256}, ` +
    `the index recorded ${run.bytes} bytes with sha256 ${run.sha256}`
  );
}

const day = 86_400_000;

/**
 * retention.ms of an archive topic the runtime creates: the last `keepRuns` runs (plus the one in
 * flight) at one run per budget at least — a batch flow runs at least once per maxLag — and
 * never under Kafka's default week.
 */
export function archiveRetentionMsFor(keepRuns: number, maxLagSeconds: number): number {
  return Math.max(7 * day, (keepRuns + 1) * maxLagSeconds * 1000);
}
