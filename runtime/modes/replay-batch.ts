// Replay of a batch flow: re-imports, oldest first, the archived exports whose as-of time is at
// or after `from` (the list is recorded once when the replay starts, so a restarted replay pod
// re-imports the same exports and a run archived meanwhile is the live flow's), through the same
// gate with each row's original version and event id: `fillGaps` skips what the gate has,
// `reapply` writes again at equal versions, and an export older than what was applied since is
// never written over it. Progress (archives done, row offset in the current one, the as-of
// reached) is in the replay's hash, so a restarted pod resumes. Wiring only; the choice of
// archives is in replay-archives.ts.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FlowConfig } from '../../crds/flow-config.ts';
import type { PipelineDeps } from '../pipeline/pipeline.ts';
import type { BaseSettings } from '../settings.ts';
import { FileSource } from '../sources/file.ts';
import { RejectedRows } from '../state/rejected-rows.ts';
import { archiveKeysFor, archivedExport, readArchives } from './batch-archive.ts';
import { rowOptionsFor } from './batch.ts';
import { archivesToReplay, type ArchiveEntry } from './replay-archives.ts';
import type { ReplayProgress } from './replay-progress.ts';
import { drain } from './run.ts';

export interface BatchReplayDeps {
  config: FlowConfig;
  settings: BaseSettings;
  redis: Redis;
  log: Logger;
  /** The archive directory (resolved); undefined when the runtime has none. */
  archiveDir: string | undefined;
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
  deps: BatchReplayDeps,
  archive: ArchiveEntry,
  resumeAfter: number,
): Promise<number> {
  const report = new RejectedRows(deps.redis, `${deps.progress.key}:rejected`, deps.log);
  const source = new FileSource({
    file: archivedExport(
      { id: archive.fileId, modifiedMs: undefined },
      join(deps.archiveDir ?? '', archive.path),
    ),
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

/** Why the archives cannot be read here (no archive directory, or a file not in it), if so. */
async function missingOf(
  dir: string | undefined,
  archives: readonly ArchiveEntry[],
): Promise<string | undefined> {
  if (archives.length === 0) return undefined;
  if (dir === undefined)
    return 'this runtime has no archive directory (SYNCFLOW_ARCHIVE_DIR) to re-import the archived exports from';
  for (const archive of archives) {
    const found = await stat(join(dir, archive.path)).then(
      () => true,
      () => false,
    );
    if (!found)
      return `the archived export ${archive.path} is not in the archive directory ${dir}: the replay must mount the volume the batch runs archive to`;
  }
  return undefined;
}

export async function runBatchReplay(deps: BatchReplayDeps): Promise<BatchReplayResult> {
  const hash = await deps.redis.hgetall(deps.progress.key);
  const chosen = await recordedArchives(deps, hash);
  if ('refused' in chosen) return chosen;
  const { archives } = chosen;
  let done = Number(hash['archivesDone'] ?? 0);
  const missing = await missingOf(deps.archiveDir, archives.slice(done));
  if (missing !== undefined) return { refused: missing };
  let rowOffset = Number(hash['rowOffset'] ?? 0);
  let rows = 0;
  for (const archive of archives.slice(done)) {
    deps.log.info({ archive: archive.path, asOf: iso(archive.asOfMs), rowOffset }, 're-importing');
    rows += await reimport(deps, archive, rowOffset);
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
