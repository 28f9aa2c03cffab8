// What poll and batch runs share around the one pipeline: the gate and sink wiring, draining a
// Source through processBatch with run totals, the guard refusal and its one-time approval,
// and the run record at the end. Wiring only; the decisions live in pipeline/, guards/, state/.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Gate, stateKeysFor } from '../gate/gate.ts';
import { processBatch, type PipelineDeps } from '../pipeline/pipeline.ts';
import type { BaseSettings } from '../settings.ts';
import { sinkFor } from '../sinks/sink-for.ts';
import type { Source } from '../sources/source.ts';
import type { Checkpoint } from '../state/checkpoint.ts';
import type { RejectedRows } from '../state/rejected-rows.ts';
import {
  runKeysFor,
  saveRunRecord,
  useApproval,
  type RunKeys,
  type RunRecord,
  type RunResult,
} from '../state/run-record.ts';

export interface GateSettings {
  idTtlSeconds: number;
  leaseMs: number;
  mode: 'normal' | 'reapply';
}

export interface RunDeps {
  settings: BaseSettings;
  redis: Redis;
  log: Logger;
  signal: AbortSignal;
  gate: GateSettings;
  /** Approval token (the flow's `syncflow.io/approve` annotation value); releases one guarded run. */
  approval?: string | undefined;
  nowMs: () => number;
  /** Test hook after each batch is committed (the batch crash test kills the process there). */
  afterBatch?: (rowsDone: number) => void;
}

export interface Totals {
  records: number;
  applied: number;
  skipped: number;
}

export function newRunId(nowMs: number): string {
  return `${new Date(nowMs).toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 6)}`;
}

export function runKeysOf(deps: RunDeps): RunKeys {
  return runKeysFor(deps.settings.identity);
}

/** Entities this flow's target already holds, as the gate knows them. */
export async function knownEntities(deps: RunDeps): Promise<number> {
  return deps.redis.hlen(stateKeysFor(deps.settings.identity, deps.settings.sink).versions);
}

export function pipelineFor(
  deps: RunDeps,
  parts: {
    report: RejectedRows;
    checkpoint: Checkpoint;
    sweep?: boolean;
    /** A batch run: its id goes into the lineage, and no event ids are kept (see GateOptions). */
    batchRun?: string;
  },
): PipelineDeps & { close(): Promise<void> } {
  const keys = stateKeysFor(deps.settings.identity, deps.settings.sink);
  const sink = sinkFor(deps.settings, deps.redis);
  // A sweep's leases are its own, so the flow's consumer and its sweep never write a key at once.
  const leaseToken = parts.sweep === true ? `${keys.flow}#sweep` : keys.flow;
  return {
    flow: deps.settings.flow,
    gate: new Gate(deps.redis, {
      keys,
      leaseToken,
      ...deps.gate,
      ...(parts.batchRun === undefined ? {} : { eventIds: false, run: parts.batchRun }),
      nowMs: deps.nowMs,
    }),
    sink,
    deadLetter: parts.report,
    checkpoint: parts.checkpoint,
    log: deps.log,
    nowMs: deps.nowMs,
    signal: deps.signal,
    retry: { initialBackoffMs: 200, maxBackoffMs: 5000 },
    busyWaitMs: 200,
    close: () => sink.close(),
  };
}

/** Runs every batch of the source through the pipeline; resolves with the run's totals. */
export async function drain(
  source: Source,
  pipeline: PipelineDeps,
  afterBatch?: (recordsDone: number) => void,
): Promise<Totals> {
  const totals: Totals = { records: 0, applied: 0, skipped: 0 };
  await source.run(async (batch) => {
    const outcome = await processBatch(batch, pipeline);
    totals.records += outcome.recordsIn;
    totals.applied += outcome.applied;
    totals.skipped += outcome.skippedDuplicate + outcome.skippedStale;
    afterBatch?.(totals.records);
  }, pipeline.signal);
  return totals;
}

/**
 * The flow's gate for looking ahead only (`peek`: no lease, no write), judging as the run's
 * pipeline gate will: same keys, same gate settings.
 */
export function lookaheadGateFor(deps: RunDeps): Pick<Gate, 'peek'> {
  const keys = stateKeysFor(deps.settings.identity, deps.settings.sink);
  return new Gate(deps.redis, { keys, leaseToken: keys.flow, ...deps.gate, nowMs: deps.nowMs });
}

/**
 * Whether a tripped guard stops the run: not when an approval token not used before is given
 * (it is used up by this run). Returns the token used, or the refusal — saying so when the
 * token the flow carries released an earlier run, since annotating it again changes nothing.
 */
export async function approvalFor(
  deps: RunDeps,
  reason: string,
): Promise<{ approved: string } | { refused: string }> {
  const token = deps.approval;
  if (token === undefined) return { refused: reason };
  if (await useApproval(deps.redis, runKeysOf(deps), token)) {
    deps.log.warn({ reason, approval: token }, 'guard tripped, run approved');
    return { approved: token };
  }
  return { refused: `${reason} (the token ${token} released an earlier run: set a new one)` };
}

export interface RunEnd {
  runId: string;
  mode: 'poll' | 'batch';
  startedAtMs: number;
  result: RunResult;
  totals: Totals;
  report?: RejectedRows;
  extra?: Partial<RunRecord>;
}

export async function finishRun(deps: RunDeps, end: RunEnd): Promise<RunRecord> {
  const completedAtMs = deps.nowMs();
  const counts = end.report ? await end.report.counts() : { failed: 0, deadLettered: 0 };
  const record: RunRecord = {
    runId: end.runId,
    mode: end.mode,
    startedAt: new Date(end.startedAtMs).toISOString(),
    completedAt: new Date(completedAtMs).toISOString(),
    startedAtMs: end.startedAtMs,
    completedAtMs,
    ...end.totals,
    ...counts,
    result: end.result,
    ...(end.report ? { rejectedKey: end.report.key } : {}),
    ...end.extra,
  };
  await saveRunRecord(deps.redis, runKeysOf(deps), record);
  const level = end.result === 'succeeded' ? 'info' : 'error';
  deps.log[level]({ run: record }, 'run finished');
  return record;
}
