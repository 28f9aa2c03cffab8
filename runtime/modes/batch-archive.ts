// The index of a batch flow's archived exports, in Redis beside the run records: the bytes are in
// the archive topic (batch-archive-kafka.ts), the index says where. A run streams its export into
// the topic first and records where it went (`current`) only once the end marker is
// acknowledged, then imports what it reads back, so a resumed run re-reads the same bytes and
// never the source. A run that imported its export moves into the index (a sorted set by as-of
// time, what a replay chooses from); the last `keepRuns` stay, and the horizon — the as-of time of
// the newest imported export that is no longer indexed, or was imported without an archive —
// keeps a replay from going back past what it cannot re-import.
import type { Redis } from 'ioredis';
import { flowKeyPrefix, type FlowIdentity } from '../../crds/flow-state-keys.ts';
import type { ExportFile } from '../sources/file.ts';
import type { ArchivedExport } from './batch-archive-chunks.ts';
import { readArchive, type ArchiveTopic } from './batch-archive-kafka.ts';
import type { ArchiveEntry } from './replay-archives.ts';

export type { ArchiveEntry } from './replay-archives.ts';

/** A batch flow's archive: its topic and how many runs' exports stay re-importable. */
export interface BatchArchive extends ArchiveTopic {
  keepRuns: number;
}

export interface ArchiveKeys {
  /** Sorted set, score = as-of ms, member = JSON ArchiveEntry. */
  index: string;
  /** String: as-of ms of the newest imported export that is not indexed. */
  horizon: string;
  /** String, JSON ArchivedExport: the export of the last run that archived one. */
  current: string;
}

export function archiveKeysFor(flow: FlowIdentity): ArchiveKeys {
  const prefix = flowKeyPrefix(flow);
  return {
    index: `${prefix}:archives`,
    horizon: `${prefix}:archives:horizon`,
    current: `${prefix}:archives:current`,
  };
}

/** The archived bytes as an export: the identity of the original, the bytes from Kafka. */
export function archivedExportOf(
  archive: Pick<ArchiveTopic, 'kafka' | 'groupPrefix' | 'log'>,
  run: ArchivedExport,
): ExportFile {
  return { id: run.fileId, modifiedMs: run.modifiedMs, bytes: () => readArchive(archive, run) };
}

export async function readArchives(
  redis: Redis,
  keys: ArchiveKeys,
): Promise<{ archives: ArchiveEntry[]; horizonMs: number | undefined }> {
  const [members, horizon] = await Promise.all([
    redis.zrange(keys.index, '0', '-1'),
    redis.get(keys.horizon),
  ]);
  return {
    archives: members.map((m) => JSON.parse(m) as ArchiveEntry),
    horizonMs: horizon === null ? undefined : Number(horizon),
  };
}

/** Moves the horizon up to `asOfMs` (never down). */
async function raiseHorizon(redis: Redis, keys: ArchiveKeys, asOfMs: number): Promise<void> {
  const current = Number((await redis.get(keys.horizon)) ?? -Infinity);
  if (asOfMs > current) await redis.set(keys.horizon, String(asOfMs));
}

/** An import that succeeded without an archive: a replay cannot go back past it. */
export function recordUnarchived(redis: Redis, keys: ArchiveKeys, asOfMs: number): Promise<void> {
  return raiseHorizon(redis, keys, asOfMs);
}

/** After the end marker was acknowledged: the run in flight reads its export from there. */
export async function recordCurrent(
  redis: Redis,
  keys: ArchiveKeys,
  archived: ArchivedExport,
): Promise<void> {
  await redis.set(keys.current, JSON.stringify(archived));
}

/** The archived export of run `runId`, if that run archived it. */
export async function currentOf(
  redis: Redis,
  keys: ArchiveKeys,
  runId: string,
): Promise<ArchivedExport | undefined> {
  const raw = await redis.get(keys.current);
  const current = raw === null ? undefined : (JSON.parse(raw) as ArchivedExport);
  return current?.runId === runId ? current : undefined;
}

/** A run refused before writing imported nothing: a replay must not re-import its export. */
export async function dropCurrent(redis: Redis, keys: ArchiveKeys): Promise<void> {
  await redis.del(keys.current);
}

/**
 * Indexes a run that imported its archived export and drops the oldest entries beyond
 * `keepRuns` (their bytes go with the topic's retention).
 */
export async function indexRun(
  redis: Redis,
  archive: { keys: ArchiveKeys; keepRuns: number },
  entry: ArchiveEntry,
): Promise<void> {
  const { keys, keepRuns } = archive;
  // `current` stays: a run killed before it is marked complete resumes from the archive (and
  // indexes the same entry again) instead of re-reading the source as an unarchived import.
  await redis.zadd(keys.index, entry.asOfMs, JSON.stringify(entry));
  const pruned = await redis.zrange(keys.index, '0', String(-(keepRuns + 1)));
  for (const member of pruned) {
    // The horizon moves first: a crash between the two never leaves a replay a hole it cannot see.
    await raiseHorizon(redis, keys, (JSON.parse(member) as ArchiveEntry).asOfMs);
    await redis.zrem(keys.index, member);
  }
}
