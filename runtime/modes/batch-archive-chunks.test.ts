import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  archiveHeaders,
  archiveRetentionMsFor,
  checksumProblem,
  chunkHeadersFor,
  chunksOf,
  endHeadersFor,
  verdictOf,
  type ArchivedExport,
  type ArchiveMessage,
} from './batch-archive-chunks.ts';

function pieces(sizes: number[]): AsyncIterable<Uint8Array> {
  let n = 0;
  const all = sizes.map((size) => Uint8Array.from({ length: size }, () => n++ % 251));
  return (async function* () {
    for (const piece of all) yield await Promise.resolve(piece);
  })();
}

async function cut(sizes: number[], maxBytes: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const chunk of chunksOf(pieces(sizes), maxBytes)) out.push([...chunk]);
  return out;
}

describe('chunksOf', () => {
  it.each<[string, number[], number, number[]]>([
    ['nothing', [], 4, []],
    ['one small piece', [3], 4, [3]],
    ['pieces that fill chunks exactly', [2, 2, 4], 4, [4, 4]],
    ['a piece larger than a chunk', [10], 4, [4, 4, 2]],
    ['pieces straddling chunk boundaries', [3, 3, 3], 4, [4, 4, 1]],
    ['empty pieces', [0, 5, 0], 4, [4, 1]],
  ])('%s', async (...[, sizes, maxBytes, expected]) => {
    const chunks = await cut(sizes, maxBytes);
    expect(chunks.map((c) => c.length)).toEqual(expected);
    // The bytes come out in order, none lost or repeated.
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(chunks.flat()).toEqual(Array.from({ length: total }, (_, i) => i % 251));
  });
});

const run: ArchivedExport = {
  runId: 'r1',
  topic: 'archive',
  partition: 0,
  firstOffset: 10,
  lastOffset: 13,
  chunks: 2,
  bytes: 6,
  sha256: createHash('sha256').update('abcdef').digest('hex'),
  fileId: '/stock.csv|6|1',
  format: 'csv',
};
const common = { runId: 'r1', modifiedMs: Date.parse('2026-05-19T02:00:00Z'), format: 'csv' };
const chunk = (offset: number, seq: number, text: string, runId = 'r1'): ArchiveMessage => ({
  offset,
  headers: chunkHeadersFor({ ...common, runId, seq }),
  value: Buffer.from(text),
});
const end = (offset: number, marker: object): ArchiveMessage => ({
  offset,
  headers: endHeadersFor({ ...common, chunks: 2 }),
  value: Buffer.from(JSON.stringify(marker)),
});

describe('verdictOf', () => {
  it('labels the chunks with run, sequence, as-of and format, and marks the end', () => {
    expect(chunk(10, 0, 'abc').headers).toEqual({
      [archiveHeaders.runId]: 'r1',
      [archiveHeaders.seq]: '0',
      [archiveHeaders.asOf]: '2026-05-19T02:00:00.000Z',
      [archiveHeaders.format]: 'csv',
    });
    expect(end(13, {}).headers[archiveHeaders.end]).toBe('1');
  });

  it.each<[string, number, ArchiveMessage, string]>([
    ['the next chunk', 0, chunk(10, 0, 'abc'), 'use'],
    ['a message before the run', 0, chunk(9, 0, 'abc'), 'skip'],
    ['a message after the run', 2, chunk(14, 2, 'x'), 'skip'],
    ['another run interleaved', 1, chunk(11, 0, 'zzz', 'r2'), 'skip'],
    ['a chunk delivered again after a rejoin', 1, chunk(10, 0, 'abc'), 'skip'],
    ['a missing chunk', 0, chunk(11, 1, 'def'), 'problem'],
    ['the end after every chunk', 2, end(13, { chunks: 2, bytes: 6, sha256: run.sha256 }), 'end'],
    ['an end before the last chunk', 1, end(13, { chunks: 2 }), 'problem'],
    ['an end counting other chunks', 2, end(13, { chunks: 3 }), 'problem'],
  ])('%s', (...[, nextSeq, message, kind]) => {
    expect(Object.keys(verdictOf(run, nextSeq, message))).toEqual([kind]);
  });

  it('names the missing chunk and where the next one was found', () => {
    expect(verdictOf(run, 0, chunk(11, 1, 'def'))).toEqual({
      problem: 'chunk 0 of the archive of run r1 is missing (offset 11 holds chunk 1)',
    });
  });
});

describe('checksumProblem', () => {
  const marker = { chunks: 2, bytes: 6, sha256: run.sha256 };
  it.each<[string, { bytes: number; sha256: string }, typeof marker, boolean]>([
    ['the bytes the index recorded', { bytes: 6, sha256: run.sha256 }, marker, false],
    ['other bytes', { bytes: 6, sha256: 'f'.repeat(64) }, marker, true],
    ['fewer bytes', { bytes: 5, sha256: run.sha256 }, marker, true],
    [
      'an end marker of other bytes',
      { bytes: 6, sha256: run.sha256 },
      { ...marker, sha256: 'x' },
      true,
    ],
  ])('%s', (...[, read, endMarker, mismatch]) => {
    const problem = checksumProblem(run, read, endMarker);
    if (!mismatch) expect(problem).toBeUndefined();
    else
      expect(problem).toMatch(
        /^checksum mismatch in the archive of run r1 \(archive partition 0, offsets 10-13\)/,
      );
  });
});

describe('archiveRetentionMsFor', () => {
  const day = 86_400_000;
  it.each<[string, number, number, number]>([
    ['hourly runs stay a week, Kafka’s default', 30, 3600, 7 * day],
    ['daily runs: keepRuns + 1 days', 30, 86_400, 31 * day],
    ['a two-day budget', 10, 172_800, 22 * day],
  ])('%s', (...[, keepRuns, maxLagSeconds, expected]) => {
    expect(archiveRetentionMsFor(keepRuns, maxLagSeconds)).toBe(expected);
  });
});
