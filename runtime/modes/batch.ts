// `runtime batch`: wiring only — a FileSource over the export (mounted or HTTP), archived first
// when the runtime has an archive directory (a replay re-imports the archived copy), the row
// offset in Redis as the Checkpoint (a restarted Job resumes the same run), the flow's Commerce
// sink, the gate, the rejected-row report; guards before the first write; a run record at the end.
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
import {
  archiveRunExport,
  dropRunArchive,
  keepRunArchive,
  type ArchiveOptions,
} from './batch-archive.ts';
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
  /** Where each run archives its export (already resolved), and how many runs' archives stay. */
  archive?: ArchiveOptions | undefined;
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

interface Plan {
  progress: BatchProgress;
  resumed: boolean;
}

function planOf(previous: BatchProgress | undefined, file: ExportFile, nowMs: number): Plan {
  if (previous && previous.fileId === file.id && previous.completedAtMs === undefined)
    return { progress: previous, resumed: true };
  return {
    progress: {
      runId: newRunId(nowMs),
      fileId: file.id,
      rowOffset: 0,
      asOfMs: 0,
      startedAtMs: nowMs,
    },
    resumed: false,
  };
}

/** No export to read (missing file, HTTP error): a failed run, so the operator sees it. */
async function exportMissing(deps: BatchDeps, err: Error): Promise<RunRecord> {
  deps.log.error({ err }, 'export not readable');
  const startedAtMs = deps.nowMs();
  return finishRun(deps, {
    runId: newRunId(startedAtMs),
    mode: 'batch',
    startedAtMs,
    result: 'failed',
    totals: { records: 0, applied: 0, skipped: 0 },
    extra: { message: `read export: ${err.message}` },
  });
}

export async function runBatch(deps: BatchDeps): Promise<RunRecord> {
  fileSpecOf(deps.config); // a flow without a file source stops here, before any I/O
  const connection = deps.config.connections[deps.config.flow.spec.source.connection];
  const client =
    deps.mountDir === undefined && connection
      ? new ErpClient(
          erpClientOptionsFor(deps.config, deps.files, deps.config.flow.spec.source.connection),
        )
      : undefined;
  const keys = runKeysOf(deps);
  const offsets = new RedisRowOffset(deps.redis, keys.batchProgress);
  try {
    const file = await exportFor(deps, client).catch((err: unknown) => err as Error);
    if (file instanceof Error) return await exportMissing(deps, file);
    const { progress, resumed } = planOf(await offsets.read(), file, deps.nowMs());
    const log = deps.log.child({ runId: progress.runId });
    const archived = await archiveRunExport(deps.archive, {
      flow: deps.settings.identity,
      runId: progress.runId,
      format: fileSpecOf(deps.config).format,
      file,
      log,
    });
    const report = new RejectedRows(deps.redis, keys.rejected(progress.runId), log);
    const toReport = (rows: RejectedRow[]): Promise<void> => report.add(rows);
    const sourceFrom = (resumeAfter: number, onRejected = toReport): FileSource =>
      new FileSource({
        file: archived.file,
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
        file: archived.file,
        archivePath: archived.path,
      });
    } finally {
      await pipeline.close();
    }
  } finally {
    await client?.close();
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
  /** Below the archive directory; undefined when this run's export is not archived. */
  archivePath: string | undefined;
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
      await dropRunArchive(deps.archive, run.archivePath);
      return await finishRun(deps, { ...end, result, totals: empty, extra: { message } });
    }
    const totals = await drain(source, run.pipeline, deps.afterBatch);
    await keepRunArchive(deps.redis, deps.archive, {
      flow: deps.settings.identity,
      entry: { runId: progress.runId, fileId: run.file.id, sourceName: source.sourceName },
      asOfMs: source.asOfMs,
      path: run.archivePath,
    });
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
        ...(run.archivePath !== undefined ? { archive: run.archivePath } : {}),
        ...(start.approval ? { approval: start.approval } : {}),
      },
    });
  } catch (err) {
    deps.log.error({ err }, 'import failed');
    const message = err instanceof Error ? err.message : String(err);
    return await finishRun(deps, { ...end, result: 'failed', totals: empty, extra: { message } });
  }
}
