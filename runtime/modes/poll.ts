// `runtime poll`: wiring only — a DeltaSource over the flow's ERP reader from the Redis cursor
// minus the overlap window, the cursor as the Checkpoint, the flow's Commerce sink, the gate,
// the rejected-row report; guards before the first write; a run record at the end.
import type { FlowConfig } from '../../crds/flow-config.ts';
import { recordsFor } from '../flow/flow.ts';
import type { Gate } from '../gate/gate.ts';
import { driftOfFields, driftOfSample } from '../guards/guards.ts';
import type { FileAccess } from '../settings.ts';
import type { DeltaCursor, DeltaPage } from '../sources/delta.ts';
import { DeltaSource, messageOfRow } from '../sources/delta-source.ts';
import { pollSourceFor, type PollSource } from '../sources/delta-readers.ts';
import { RedisCursor } from '../state/cursor.ts';
import { countPollChanges } from './poll-changes.ts';
import { sweepLookbackMs, type PollKind } from './poll-sweep.ts';
import { RejectedRows } from '../state/rejected-rows.ts';
import type { RunRecord } from '../state/run-record.ts';
import {
  approvalFor,
  drain,
  finishRun,
  knownEntities,
  lookaheadGateFor,
  newRunId,
  pipelineFor,
  runKeysOf,
  type RunDeps,
} from './run.ts';

export interface PollDeps extends RunDeps {
  config: FlowConfig;
  files: FileAccess;
  /** A poll flow's run, or the sweep of an event flow (see poll-sweep.ts). Default: poll. */
  kind?: PollKind;
}

/** Where the first poll of a flow starts, from `initialSync.from`. */
export function initialSinceMs(config: FlowConfig, nowMs: number): number {
  const from = config.flow.spec.initialSync?.from ?? 'now';
  if (from === 'beginning') return 0;
  if (from === 'now') return nowMs;
  return Date.parse(from);
}

/**
 * The first page reads from the cursor minus the overlap window, or from `initialSync`. A flow
 * starting `now` reads the overlap window before its first poll too: changes made while its pod
 * was scheduled and started are changes after the flow's creation, and must not be lost.
 */
export function sinceOf(
  config: FlowConfig,
  at: {
    cursor: DeltaCursor | undefined;
    overlapMs: number;
    startedAtMs: number;
    /** A sweep's first run reads back one sweep period too. Default: 0. */
    lookbackMs?: number;
  },
): number {
  if (at.cursor) return at.cursor.modifiedMs - at.overlapMs;
  return initialSinceMs(config, at.startedAtMs - at.overlapMs - (at.lookbackMs ?? 0));
}

type Refusal = { result: 'schemaDrift' | 'guardTripped'; message: string };

/** Drift, judged on `$metadata` (or the first records) and the first page. */
async function driftOf(
  deps: PollDeps,
  poll: PollSource,
  first: DeltaPage,
): Promise<string | undefined> {
  const declared =
    (await poll.reader.fields()) ??
    (first.rows.length > 0 ? [...new Set(first.rows.flatMap((r) => Object.keys(r.data)))] : []);
  const fields = deps.settings.flow.options.fields;
  return (
    (declared.length > 0 ? driftOfFields(declared, fields) : undefined) ??
    driftOfSample(
      recordsFor(
        first.rows.slice(0, 50).map((r) => messageOfRow(poll.reader.name, r)),
        deps.settings.flow,
      ),
    )
  );
}

/**
 * Drift, then blast radius: the entities the delta would change, as the gate judges its rows
 * (a poll's overlap re-reads and a sweep's rows the events applied are no change). An empty
 * delta is a quiet poll, never a tripped guard.
 */
async function guardOf(
  deps: PollDeps,
  at: { poll: PollSource; source: DeltaSource; gate: Pick<Gate, 'peek'> },
): Promise<Refusal | undefined> {
  const first = await at.source.peek();
  const drift = await driftOf(deps, at.poll, first);
  if (drift !== undefined) return { result: 'schemaDrift', message: drift };
  const maxChangeRatio = deps.config.flow.spec.guards.maxChangeRatio;
  if (maxChangeRatio === undefined) return undefined;
  const entities = await knownEntities(deps);
  const counted = await countPollChanges({
    first,
    reader: at.poll.reader,
    pageSize: at.poll.pageSize,
    flow: deps.settings.flow,
    gate: at.gate,
    entities,
    maxChangeRatio,
    run: deps.kind === 'sweep' ? 'sweep' : 'poll',
    signal: deps.signal,
  });
  deps.log.info(
    { changes: counted.changes, entities, maxChangeRatio, pagesRead: counted.pagesRead },
    'changes of the delta counted',
  );
  return counted.trip === undefined ? undefined : { result: 'guardTripped', message: counted.trip };
}

function deltaSourceOf(
  config: FlowConfig,
  at: { poll: PollSource; from: DeltaCursor | undefined; startedAtMs: number; sweep: boolean },
): { source: DeltaSource; sinceMs: number } {
  const { poll } = at;
  const sinceMs = sinceOf(config, {
    cursor: at.from,
    overlapMs: poll.overlapMs,
    startedAtMs: at.startedAtMs,
    lookbackMs: at.sweep ? sweepLookbackMs : 0,
  });
  const source = new DeltaSource({
    reader: poll.reader,
    start: { sinceMs },
    pageSize: poll.pageSize,
  });
  return { source, sinceMs };
}

export async function runPoll(deps: PollDeps): Promise<RunRecord> {
  const startedAtMs = deps.nowMs();
  const runId = newRunId(startedAtMs);
  const keys = runKeysOf(deps);
  const log = deps.log.child({ runId });
  const poll = pollSourceFor(deps.config, deps.files);
  const cursor = new RedisCursor(deps.redis, keys.cursor, deps.nowMs);
  const from = await cursor.read();
  const sweep = deps.kind === 'sweep';
  const { source, sinceMs } = deltaSourceOf(deps.config, { poll, from, startedAtMs, sweep });
  const report = new RejectedRows(deps.redis, keys.rejected(runId), log);
  const pipeline = pipelineFor({ ...deps, log }, { report, checkpoint: cursor, sweep });
  const end = { runId, mode: 'poll' as const, startedAtMs, report };
  const empty = { records: 0, applied: 0, skipped: 0 };
  log.info({ cursor: from, sinceMs, reader: poll.reader.name, sweep }, 'poll started');
  try {
    const guard = await guardOf(deps, { poll, source, gate: lookaheadGateFor(deps) });
    const decision = guard ? await approvalFor(deps, guard.message) : undefined;
    if (guard && decision && 'refused' in decision)
      return await finishRun(deps, {
        ...end,
        result: guard.result,
        totals: empty,
        extra: { message: decision.refused },
      });
    const totals = await drain(source, pipeline, deps.afterBatch);
    const after = await cursor.read();
    return await finishRun(deps, {
      ...end,
      result: 'succeeded',
      totals,
      extra: {
        ...(after ? { cursor: after } : {}),
        ...(decision && 'approved' in decision ? { approval: decision.approved } : {}),
      },
    });
  } catch (err) {
    log.error({ err }, 'poll failed');
    const message = err instanceof Error ? err.message : String(err);
    return await finishRun(deps, { ...end, result: 'failed', totals: empty, extra: { message } });
  } finally {
    await Promise.allSettled([pipeline.close(), poll.client.close()]);
  }
}
