// `runtime batch`: wiring only — a FileSource over the export (mounted or HTTP; with
// `spec.archive`, the copy archived in Kafka first, see batch-export.ts), the row offset in Redis
// as the Checkpoint (a restarted Job resumes the same run), the flow's Commerce sink, the gate,
// the rejected-row report; guards before the first write; a run record at the end.
import { createHash } from 'node:crypto';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { FatalError } from '../errors.ts';
import { recordsFor } from '../flow/flow.ts';
import {
  changeRatioTrip,
  driftOfFields,
  driftOfSample,
  emptySnapshotTrip,
} from '../guards/guards.ts';
import type { FileAccess } from '../settings.ts';
import { ErpClient, erpClientOptionsFor } from '../sources/erp-client.ts';
import {
  FileSource,
  httpExport,
  mountedExport,
  type ExportFile,
  type FileSourceOptions,
} from '../sources/file.ts';
import type { FileSource as FileSpec } from '../sources/source-specs.ts';
import { RejectedRows, type RejectedRow } from '../state/rejected-rows.ts';
import { RedisRowOffset, type BatchProgress } from '../state/row-offset.ts';
import type { RunRecord } from '../state/run-record.ts';
import type { ArchivedExport } from './batch-archive-chunks.ts';
import {
  archiveKeysFor,
  dropCurrent,
  indexRun,
  recordUnarchived,
  type BatchArchive,
} from './batch-archive.ts';
import { archiveLocationOf, runExportFor } from './batch-export.ts';
import {
  countChanges,
  dropSnapshot,
  keepSnapshot,
  snapshotKeysFor,
  type SnapshotKeys,
} from './batch-changes.ts';
import {
  approvalFor,
  drain,
  finishRun,
  newRunId,
  pipelineFor,
  runKeysOf,
  type RunDeps,
} from './run.ts';

export interface BatchDeps extends RunDeps {
  config: FlowConfig;
  files: FileAccess;
  /** Directory the export is mounted at (SYNCFLOW_BATCH_DIR); HTTP from the connection otherwise. */
  mountDir: string | undefined;
  /** Data rows per pipeline batch. Default: 1000. */
  chunkRows?: number;
  /** `spec.archive`: the topic each run archives its export in, and how many runs stay indexed. */
  archive?: BatchArchive | undefined;
}

const sampleRows = 50;
const numericTypes = new Set(['number', 'decimal', 'integer']);

function fileSpecOf(config: FlowConfig): FileSpec {
  const spec = config.flow.spec.source.file;
  if (!spec) throw new FatalError('flow.spec.source.file: batch mode imports a file export');
  return spec;
}

/** How the export's rows are read: the declared format, and the columns mapped as numbers. */
export function rowOptionsFor(
  config: FlowConfig,
  settings: Pick<BatchDeps['settings'], 'flow'>,
): FileSourceOptions['rows'] {
  const numericColumns = new Set(
    Object.values(settings.flow.options.fields)
      .filter((f) => f.path !== undefined && numericTypes.has(f.type))
      .map((f) => f.path ?? ''),
  );
  return { spec: fileSpecOf(config), numericColumns };
}

/** `{date}` in the path is the run date in the flow's time zone. */
function pathFor(spec: FileSpec, config: FlowConfig, nowMs: number): string {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: config.flow.spec.timeZone }).format(
    nowMs,
  );
  return spec.path.replaceAll('{date}', date);
}

async function exportFor(deps: BatchDeps, client: ErpClient | undefined): Promise<ExportFile> {
  const path = pathFor(fileSpecOf(deps.config), deps.config, deps.nowMs());
  if (deps.mountDir !== undefined) return mountedExport(deps.files.pathOf(deps.mountDir), path);
  if (!client) throw new FatalError('batch: neither a mounted export nor a connection URL');
  return httpExport(client, path);
}

/** The as-of time: a mapped `asOf` column of the first row, else the file time, else now. */
function asOfOf(
  deps: BatchDeps,
  first: Record<string, unknown> | undefined,
  file: ExportFile,
): number {
  const path = deps.settings.flow.options.fields['asOf']?.path;
  const raw = path === undefined ? undefined : first?.[path];
  const declared = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(declared) ? declared : (file.modifiedMs ?? deps.nowMs());
}

async function guardOf(
  deps: BatchDeps,
  source: FileSource,
): Promise<{ result: 'schemaDrift' | 'guardTripped'; message: string } | undefined> {
  const { rows, columns } = await source.peek(sampleRows);
  const records = rows.flatMap((r) => (r.record ? [r.record] : []));
  const declared = columns ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
  const fields = deps.settings.flow.options.fields;
  const drift =
    (declared.length > 0 ? driftOfFields(declared, fields) : undefined) ??
    driftOfSample(
      recordsFor(
        rows.flatMap((r, i) =>
          r.record ? [source.messageOf(i + 1, source.positionOf(r.line, i + 1), r.record)] : [],
        ),
        deps.settings.flow,
      ),
    );
  if (drift !== undefined) return { result: 'schemaDrift', message: drift };
  const empty = emptySnapshotTrip(rows.length, deps.config.flow.spec.guards.allowEmptySnapshot);
  return empty === undefined ? undefined : { result: 'guardTripped', message: empty };
}

/** `guards.maxChangeRatio`: the share of the last export's entities this export would change. */
async function blastRadiusOf(
  deps: BatchDeps,
  run: ImportRun,
): Promise<{ result: 'guardTripped'; message: string } | undefined> {
  const maxChangeRatio = deps.config.flow.spec.guards.maxChangeRatio;
  if (maxChangeRatio === undefined) return undefined;
  const source = run.rescan();
  source.asOfMs = run.source.asOfMs;
  const { changes, entities } = await countChanges(deps.redis, {
    keys: run.snapshot,
    source,
    flow: deps.settings.flow,
    signal: deps.signal,
  });
  deps.log.info({ changes, entities, maxChangeRatio }, 'changes of the export counted');
  const trip = changeRatioTrip({ changes, entities, maxChangeRatio });
  return trip === undefined ? undefined : { result: 'guardTripped', message: trip };
}

/** No export to import (missing file, HTTP error, archive not written): a failed run. */
async function runFailed(deps: BatchDeps, message: string): Promise<RunRecord> {
  const startedAtMs = deps.nowMs();
  return finishRun(deps, {
    runId: newRunId(startedAtMs),
    mode: 'batch',
    startedAtMs,
    result: 'failed',
    totals: { records: 0, applied: 0, skipped: 0 },
    extra: { message },
  });
}

export async function runBatch(deps: BatchDeps): Promise<RunRecord> {
  const spec = fileSpecOf(deps.config); // a flow without a file source stops here, before any I/O
  const connection = deps.config.connections[deps.config.flow.spec.source.connection];
  let client: ErpClient | undefined;
  const openSource = (): Promise<ExportFile> => {
    if (deps.mountDir === undefined && connection)
      client = new ErpClient(
        erpClientOptionsFor(deps.config, deps.files, deps.config.flow.spec.source.connection),
      );
    return exportFor(deps, client);
  };
  const offsets = new RedisRowOffset(deps.redis, runKeysOf(deps).batchProgress);
  try {
    const chosen = await runExportFor(
      { ...deps, identity: deps.settings.identity, format: spec.format, archive: deps.archive },
      await offsets.read(),
      openSource,
    );
    if ('failed' in chosen) return await runFailed(deps, chosen.failed);
    return await importExport(deps, offsets, chosen);
  } finally {
    await client?.close();
  }
}

async function importExport(
  deps: BatchDeps,
  offsets: RedisRowOffset,
  chosen: Exclude<Awaited<ReturnType<typeof runExportFor>>, { failed: string }>,
): Promise<RunRecord> {
  const { file, progress, resumed, archived } = chosen;
  const log = deps.log.child({ runId: progress.runId });
  const report = new RejectedRows(deps.redis, runKeysOf(deps).rejected(progress.runId), log);
  const toReport = (rows: RejectedRow[]): Promise<void> => report.add(rows);
  const sourceFrom = (resumeAfter: number, onRejected = toReport): FileSource =>
    new FileSource({
      file,
      rows: rowOptionsFor(deps.config, deps.settings),
      chunkRows: deps.chunkRows ?? 1000,
      resumeAfter,
      sourceName: `file:${createHash('sha256').update(file.id).digest('hex').slice(0, 12)}`,
      onRejected,
    });
  const source = sourceFrom(progress.rowOffset);
  const rescan = (): FileSource => sourceFrom(0, () => Promise.resolve());
  const snapshot = snapshotKeysFor(deps.settings.identity, progress.runId);
  const pipeline = pipelineFor(
    { ...deps, log },
    { report, checkpoint: offsets, batchRun: progress.runId },
  );
  try {
    return await importRows(deps, {
      ...{ source, rescan, snapshot, report, offsets, progress, resumed, pipeline },
      file,
      archived,
    });
  } finally {
    await pipeline.close();
  }
}

type ImportRun = {
  source: FileSource;
  /** The export again from its first row, for the blast-radius pass before the import. */
  rescan: () => FileSource;
  snapshot: SnapshotKeys;
  report: RejectedRows;
  offsets: RedisRowOffset;
  progress: BatchProgress;
  resumed: boolean;
  file: ExportFile;
  /** Where this run's export is archived; undefined when it is imported from the source. */
  archived: ArchivedExport | undefined;
  pipeline: ReturnType<typeof pipelineFor>;
};

/** Before a new run writes: as-of time, guards, approval. A refusal comes back as the reason. */
async function startImport(
  deps: BatchDeps,
  run: ImportRun,
): Promise<
  { approval?: string } | { refused: { result: 'schemaDrift' | 'guardTripped'; message: string } }
> {
  const { source, progress } = run;
  if (run.resumed) {
    source.asOfMs = progress.asOfMs;
    deps.log.info({ rowOffset: progress.rowOffset }, 'resuming the import');
    return {};
  }
  const { rows } = await source.peek(sampleRows);
  source.asOfMs = asOfOf(deps, rows.find((r) => r.record)?.record, run.file);
  const guard = (await guardOf(deps, source)) ?? (await blastRadiusOf(deps, run));
  const decision = guard ? await approvalFor(deps, guard.message) : undefined;
  if (guard && decision && 'refused' in decision) {
    await dropSnapshot(deps.redis, run.snapshot);
    return { refused: { ...guard, message: decision.refused } };
  }
  await run.offsets.begin({ ...progress, asOfMs: source.asOfMs });
  return decision && 'approved' in decision ? { approval: decision.approved } : {};
}

/** After the import: index the archived export for replays, or note it cannot be re-imported. */
async function keepArchive(deps: BatchDeps, run: ImportRun, source: FileSource): Promise<void> {
  const keys = archiveKeysFor(deps.settings.identity);
  if (!deps.archive || !run.archived) return recordUnarchived(deps.redis, keys, source.asOfMs);
  const entry = { ...run.archived, sourceName: source.sourceName, asOfMs: source.asOfMs };
  return indexRun(deps.redis, { keys, keepRuns: deps.archive.keepRuns }, entry);
}

async function importRows(deps: BatchDeps, run: ImportRun): Promise<RunRecord> {
  const { source, offsets, progress } = run;
  const end = {
    runId: progress.runId,
    mode: 'batch' as const,
    startedAtMs: progress.startedAtMs,
    report: run.report,
  };
  const empty = { records: 0, applied: 0, skipped: 0 };
  try {
    const start = await startImport(deps, run);
    if ('refused' in start) {
      const { result, message } = start.refused;
      if (run.archived) await dropCurrent(deps.redis, archiveKeysFor(deps.settings.identity));
      return await finishRun(deps, { ...end, result, totals: empty, extra: { message } });
    }
    const totals = await drain(source, run.pipeline, deps.afterBatch);
    await keepArchive(deps, run, source);
    await keepSnapshot(deps.redis, run.snapshot);
    await offsets.complete(deps.nowMs());
    const done = await offsets.read();
    return await finishRun(deps, {
      ...end,
      result: 'succeeded',
      totals,
      extra: {
        asOfMs: source.asOfMs,
        asOf: new Date(source.asOfMs).toISOString(),
        rowOffset: done?.rowOffset ?? 0,
        ...(run.archived ? { archive: archiveLocationOf(run.archived) } : {}),
        ...(start.approval ? { approval: start.approval } : {}),
      },
    });
  } catch (err) {
    deps.log.error({ err }, 'import failed');
    const message = err instanceof Error ? err.message : String(err);
    return await finishRun(deps, { ...end, result: 'failed', totals: empty, extra: { message } });
  }
}
