// Which bytes a batch run imports. A flow with `spec.archive` streams a new run's export into the
// archive topic first and imports what it reads back from there; a run resumed after a crash
// finds its archived export by run id and reads it again, never the source (which may have
// changed or gone). A flow without an archive imports the source directly, as does a run that
// was started before the flow had one, or whose archive the topic no longer holds (its import
// then counts as unarchived: a replay cannot go back past it).
import type { Logger } from 'pino';
import type { FlowIdentity } from '../../crds/flow-state-keys.ts';
import type { Redis } from 'ioredis';
import type { ExportFile } from '../sources/file.ts';
import type { BatchProgress } from '../state/row-offset.ts';
import type { ArchivedExport } from './batch-archive-chunks.ts';
import { ensureArchiveTopic, logStartsOf, writeArchive } from './batch-archive-kafka.ts';
import {
  archiveKeysFor,
  archivedExportOf,
  currentOf,
  recordCurrent,
  type BatchArchive,
} from './batch-archive.ts';
import { newRunId } from './run.ts';

export interface RunExport {
  file: ExportFile;
  progress: BatchProgress;
  /** An earlier attempt of this run imported part of the export already. */
  resumed: boolean;
  /** Where this run's export is archived; undefined when it is imported straight from the source. */
  archived: ArchivedExport | undefined;
}

export interface RunExportDeps {
  redis: Redis;
  log: Logger;
  identity: FlowIdentity;
  format: string;
  archive: BatchArchive | undefined;
  nowMs: () => number;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

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

interface Plan {
  progress: BatchProgress;
  resumed: boolean;
}

/** The unfinished run's archived export, when it has one. */
async function resumableArchive(
  deps: RunExportDeps,
  previous: BatchProgress | undefined,
): Promise<RunExport | undefined> {
  if (!deps.archive || !previous || previous.completedAtMs !== undefined) return undefined;
  const archived = await currentOf(deps.redis, archiveKeysFor(deps.identity), previous.runId);
  if (!archived) return undefined;
  const start = (await logStartsOf(deps.archive.kafka, archived.topic)).get(archived.partition);
  if (start === undefined || start > archived.firstOffset) {
    // Never stuck on an archive that is gone: the run starts again from the source.
    deps.log.warn(
      { runId: previous.runId, topic: archived.topic, firstOffset: archived.firstOffset, start },
      'the archived export of the unfinished run is gone: reading the source again',
    );
    return undefined;
  }
  deps.log.info({ runId: previous.runId, topic: archived.topic }, 'resuming from the archive');
  const file = archivedExportOf(deps.archive, archived);
  return { file, progress: previous, resumed: true, archived };
}

async function archiveNew(
  deps: RunExportDeps & { archive: BatchArchive },
  file: ExportFile,
  progress: BatchProgress,
): Promise<ArchivedExport> {
  await ensureArchiveTopic(deps.archive);
  const archived = await writeArchive(deps.archive, {
    runId: progress.runId,
    fileId: file.id,
    modifiedMs: file.modifiedMs,
    format: deps.format,
    bytes: () => file.bytes(),
  });
  // Only now, with the end marker acknowledged, may a resumed run count on the archive.
  await recordCurrent(deps.redis, archiveKeysFor(deps.identity), archived);
  const { topic, partition, firstOffset, lastOffset, bytes, sha256 } = archived;
  deps.log.info(
    { runId: progress.runId, topic, partition, firstOffset, lastOffset, bytes, sha256 },
    'export archived',
  );
  return archived;
}

/** The run's export, or why the run fails before reading a row. */
export async function runExportFor(
  deps: RunExportDeps,
  previous: BatchProgress | undefined,
  openSource: () => Promise<ExportFile>,
): Promise<RunExport | { failed: string }> {
  const resumed = await resumableArchive(deps, previous);
  if (resumed) return resumed;
  let file: ExportFile;
  try {
    file = await openSource();
  } catch (err) {
    deps.log.error({ err }, 'export not readable');
    return { failed: `read export: ${messageOf(err)}` };
  }
  const plan = planOf(previous, file, deps.nowMs());
  const { archive } = deps;
  if (!archive || plan.resumed) return { file, ...plan, archived: undefined };
  try {
    const archived = await archiveNew({ ...deps, archive }, file, plan.progress);
    return { file: archivedExportOf(archive, archived), ...plan, archived };
  } catch (err) {
    deps.log.error({ err, topic: archive.topic }, 'export not archived');
    return { failed: `archive export in Kafka topic ${archive.topic}: ${messageOf(err)}` };
  }
}

/** `{topic}/{partition}/{first}-{last}`: where a run record says its export is archived. */
export function archiveLocationOf(archived: ArchivedExport): string {
  return `${archived.topic}/${archived.partition}/${archived.firstOffset}-${archived.lastOffset}`;
}
