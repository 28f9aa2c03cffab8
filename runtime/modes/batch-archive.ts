// The archive of a batch flow's exports, so that a replay re-imports exactly what a run imported:
// each run streams its export into `{archive dir}/{namespace}/{name}/{runId}.{format}` before
// importing it, and imports the archived copy (an HTTP export may not be served again, or may
// have changed since). The index of archives (a sorted set by as-of time) and the horizon (the
// as-of time of the newest import that is no longer archived) live in Redis with the run
// records; the bytes live in the directory, never in Redis. The last `keepRuns` archives are
// kept. Memory stays bounded: bytes are streamed, never held.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { flowKeyPrefix, type FlowIdentity } from '../../crds/flow-state-keys.ts';
import type { ExportFile } from '../sources/file.ts';
import type { ArchiveEntry } from './replay-archives.ts';

export type { ArchiveEntry } from './replay-archives.ts';

export interface ArchiveOptions {
  /** The archive directory, resolved. */
  dir: string;
  /** Runs whose archives each flow keeps. */
  keepRuns: number;
}

export interface ArchiveKeys {
  /** Sorted set, score = as-of ms, member = JSON ArchiveEntry. */
  index: string;
  /** String: as-of ms of the newest imported export that is not archived. */
  horizon: string;
}

export function archiveKeysFor(flow: FlowIdentity): ArchiveKeys {
  const prefix = flowKeyPrefix(flow);
  return { index: `${prefix}:archives`, horizon: `${prefix}:archives:horizon` };
}

/** Where one run's archive goes, below the archive directory. */
export function archivePathFor(flow: FlowIdentity, runId: string, format: string): string {
  return join(flow.namespace, flow.name, `${runId}.${format}`);
}

/** The archived copy as an export: same identity as the original, bytes from the archive. */
export function archivedExport(
  original: Pick<ExportFile, 'id' | 'modifiedMs'>,
  full: string,
): ExportFile {
  return {
    id: original.id,
    modifiedMs: original.modifiedMs,
    bytes: () => createReadStream(full, { highWaterMark: 256 * 1024 }),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Streams the export into the archive (once per run: a resumed run finds it there) and returns
 * the archived copy. A partial copy never takes the final name.
 */
export async function archiveExport(file: ExportFile, full: string): Promise<ExportFile> {
  if (!(await exists(full))) {
    await mkdir(dirname(full), { recursive: true });
    const partial = `${full}.partial`;
    await pipeline(Readable.from(file.bytes()), createWriteStream(partial));
    await rename(partial, full);
  }
  return archivedExport(file, full);
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

/** Indexes a successful run's archive and prunes the oldest beyond `keepRuns` (files too). */
export async function recordArchive(
  redis: Redis,
  archive: { keys: ArchiveKeys; dir: string; keepRuns: number },
  entry: ArchiveEntry,
): Promise<void> {
  const { keys, dir, keepRuns } = archive;
  await redis.zadd(keys.index, entry.asOfMs, JSON.stringify(entry));
  const pruned = await redis.zrange(keys.index, '0', String(-(keepRuns + 1)));
  for (const member of pruned) {
    const old = JSON.parse(member) as ArchiveEntry;
    // The horizon moves first: a crash between the two never leaves a replay a hole it cannot see.
    await raiseHorizon(redis, keys, old.asOfMs);
    await redis.zrem(keys.index, member);
    await rm(join(dir, old.path), { force: true });
  }
}

/**
 * The export archived for this run, or the export itself when there is no archive directory or
 * archiving failed (a full disk must not stop the live import: a replay is refused instead).
 */
export async function archiveRunExport(
  archive: ArchiveOptions | undefined,
  run: { flow: FlowIdentity; runId: string; format: string; file: ExportFile; log: Logger },
): Promise<{ file: ExportFile; path: string | undefined }> {
  if (!archive) return { file: run.file, path: undefined };
  const path = archivePathFor(run.flow, run.runId, run.format);
  const full = join(archive.dir, path);
  try {
    return { file: await archiveExport(run.file, full), path };
  } catch (err) {
    run.log.warn({ err, archive: full }, 'export not archived: a replay cannot re-import it');
    await rm(`${full}.partial`, { force: true });
    return { file: run.file, path: undefined };
  }
}

/** After a run succeeded: indexes its archive, or notes that its export cannot be re-imported. */
export async function keepRunArchive(
  redis: Redis,
  archive: ArchiveOptions | undefined,
  run: {
    flow: FlowIdentity;
    entry: Omit<ArchiveEntry, 'path' | 'asOfMs'>;
    asOfMs: number;
    path: string | undefined;
  },
): Promise<void> {
  const keys = archiveKeysFor(run.flow);
  if (!archive || run.path === undefined) return recordUnarchived(redis, keys, run.asOfMs);
  return recordArchive(
    redis,
    { keys, ...archive },
    { ...run.entry, path: run.path, asOfMs: run.asOfMs },
  );
}

/** A run refused before writing leaves no archive: it imported nothing. */
export async function dropRunArchive(
  archive: ArchiveOptions | undefined,
  path: string | undefined,
): Promise<void> {
  if (archive && path !== undefined) await rm(join(archive.dir, path), { force: true });
}
