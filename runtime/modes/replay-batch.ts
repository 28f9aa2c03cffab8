// Replay of a batch flow: re-imports, oldest first, the archived exports whose as-of time is at
// or after `from` (the list is recorded once when the replay starts, so a restarted replay pod
// re-imports the same exports and a run archived meanwhile is the live flow's), read back from
// the archive topic at the offsets the index recorded, through the same gate with each row's
// original version and event id: `fillGaps` skips what the gate has, `reapply` writes again at
// equal versions, and an export older than what was applied since is never written over it.
// Before writing anything it refuses a `from` it cannot honour: past the horizon, an export the
// topic's retention removed, or bytes whose checksum does not match. Progress (archives done,
// row offset in the current one, the as-of reached) is in the replay's hash, so a restarted pod
// resumes. Wiring only; the choice of archives is in replay-archives.ts.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FlowConfig } from '../../crds/flow-config.ts';
import type { PipelineDeps } from '../pipeline/pipeline.ts';
import type { BaseSettings } from '../settings.ts';
import { FileSource } from '../sources/file.ts';
import { RejectedRows } from '../state/rejected-rows.ts';
import { logStartsOf, verifyArchive } from './batch-archive-kafka.ts';
import {
  archiveKeysFor,
  archivedExportOf,
  readArchives,
  type BatchArchive,
} from './batch-archive.ts';
import { rowOptionsFor } from './batch.ts';
import { archivesToReplay, removedArchiveOf, type ArchiveEntry } from './replay-archives.ts';
import type { ReplayProgress } from './replay-progress.ts';
import { drain } from './run.ts';

export interface BatchReplayDeps {
  config: FlowConfig;
  settings: BaseSettings;
  redis: Redis;
  log: Logger;
  /** `spec.archive`; undefined when the flow has none. */
  archive: BatchArchive | undefined;
  from: { ms: number; iso: string };
  progress: ReplayProgress;
  /** The pipeline with the replay's gate; its checkpoint and report are set here. */
  pipeline: Omit<PipelineDeps, 'checkpoint' | 'deadLetter'>;
}

export type BatchReplayResult = { completed: string } | { refused: string } | undefined;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The archives recorded at the start, or chosen and recorded now. */
async function recordedArchives(
  deps: BatchReplayDeps,
  hash: Record<string, string>,
): Promise<{ archives: ArchiveEntry[] } | { refused: string }> {
  if (hash['archives'] !== undefined) {
    await deps.progress.start({});
    return { archives: JSON.parse(hash['archives']) as ArchiveEntry[] };
  }
  const { archives, horizonMs } = await readArchives(
    deps.redis,
    archiveKeysFor(deps.settings.identity),
  );
  const chosen = archivesToReplay(deps.from, archives, horizonMs);
  if ('refused' in chosen) return chosen;
  const last = chosen.archives.at(-1);
  await deps.progress.start({
    from: deps.from.iso,
    archives: JSON.stringify(chosen.archives),
    ...(last ? { to: iso(last.asOfMs) } : {}),
  });
  return chosen;
}

async function reimport(
  deps: BatchReplayDeps & { archive: BatchArchive },
  archive: ArchiveEntry,
  resumeAfter: number,
): Promise<number> {
  const report = new RejectedRows(deps.redis, `${deps.progress.key}:rejected`, deps.log);
  const source = new FileSource({
    file: archivedExportOf(deps.archive, archive),
    rows: rowOptionsFor(deps.config, deps.settings),
    chunkRows: 1000,
    resumeAfter,
    sourceName: archive.sourceName,
    onRejected: (rows) => report.add(rows),
  });
  source.asOfMs = archive.asOfMs;
  const checkpoint = {
    commit: (batch: { position: unknown }): Promise<void> =>
      deps.progress.set({ rowOffset: String((batch.position as { rowOffset: number }).rowOffset) }),
  };
  const totals = await drain(source, { ...deps.pipeline, deadLetter: report, checkpoint });
  return totals.records;
}

/** Why the archives cannot be re-imported (no archive, retention, checksum), if so. */
async function unreadableOf(
  deps: BatchReplayDeps,
  archives: readonly ArchiveEntry[],
): Promise<string | undefined> {
  if (archives.length === 0) return undefined;
  const { archive } = deps;
  if (!archive)
    return `the flow has no spec.archive any more: the exports archived since ${deps.from.iso} cannot be read back; set spec.archive again (same connection and topic) to replay them`;
  const topics = [...new Set(archives.map((a) => a.topic))];
  const starts = new Map(
    await Promise.all(topics.map(async (t) => [t, await logStartsOf(archive.kafka, t)] as const)),
  );
  const removed = removedArchiveOf(deps.from, archives, (t) => {
    const found = starts.get(t);
    return found && found.size > 0 ? found : undefined;
  });
  if (removed !== undefined) return removed;
  for (const entry of archives) {
    const problem = await verifyArchive(archive, entry);
    if (problem !== undefined) return `${problem}; the export cannot be re-imported`;
  }
  return undefined;
}

export async function runBatchReplay(deps: BatchReplayDeps): Promise<BatchReplayResult> {
  const hash = await deps.redis.hgetall(deps.progress.key);
  const chosen = await recordedArchives(deps, hash);
  if ('refused' in chosen) return chosen;
  const { archives } = chosen;
  let done = Number(hash['archivesDone'] ?? 0);
  const unreadable = await unreadableOf(deps, archives.slice(done));
  if (unreadable !== undefined) return { refused: unreadable };
  let rowOffset = Number(hash['rowOffset'] ?? 0);
  let rows = 0;
  for (const archive of archives.slice(done)) {
    const { runId, topic, partition, firstOffset } = archive;
    const at = { runId, topic, partition, firstOffset, asOf: iso(archive.asOfMs), rowOffset };
    deps.log.info(at, 're-importing');
    if (!deps.archive) break;
    rows += await reimport({ ...deps, archive: deps.archive }, archive, rowOffset);
    if (deps.pipeline.signal.aborted) return undefined;
    done += 1;
    rowOffset = 0;
    await deps.progress.set({
      archivesDone: String(done),
      rowOffset: '0',
      cursor: iso(archive.asOfMs),
    });
  }
  const first = archives[0];
  const last = archives.at(-1);
  if (!first || !last)
    return { completed: `nothing to re-import: no export was imported since ${deps.from.iso}` };
  return {
    completed:
      `re-imported ${rows} rows of ${archives.length} archived exports ` +
      `as of ${iso(first.asOfMs)} to ${iso(last.asOfMs)}`,
  };
}
