// Entry of runtime/pipeline/: the one pipeline every mode runs, one function per arrow —
// source batch → decode/validate/map (runtime/flow) → gate check → sink → dead letter → gate
// record → checkpoint. Nothing is committed before the sink's write and the gate's record
// succeeded, so a crash anywhere re-delivers the batch and the gate drops what was applied.
import type { Logger } from 'pino';
import { PoisonRecordError } from '../errors.ts';
import {
  latestPerKey,
  recordsFor,
  type CanonicalRecord,
  type Envelope,
  type FlowDefinition,
  type MessageIn,
} from '../flow/flow.ts';
import type { FigureIncrements, Gate, Verdict } from '../gate/gate.ts';
import type { DeadLetter, DeadLetterEntry } from '../sinks/dead-letter.ts';
import type { Attempt, Sink, WriteResult } from '../sinks/sink.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { Checkpoint } from '../state/checkpoint.ts';
import { attemptFor, type RetryPolicy } from './retry.ts';

export { attemptFor, isFatal, type RetryPolicy } from './retry.ts';

type Env = Envelope<CanonicalRecord>;

export interface BatchOutcome {
  recordsIn: number;
  applied: number;
  skippedDuplicate: number;
  skippedStale: number;
  deadLettered: number;
  ignored: number;
  /** Receipt of the batch to the sink's acknowledged write, ms. */
  toWriteMs: number;
  /** Kafka timestamp of each applied record to the sink's acknowledged write, ms. */
  produceToWriteMs: number[];
  secondsBehind: number;
}

export interface PipelineDeps {
  flow: FlowDefinition;
  gate: Pick<Gate, 'check' | 'record'>;
  sink: Sink<CanonicalRecord>;
  deadLetter: DeadLetter;
  checkpoint: Checkpoint;
  log: Logger;
  nowMs: () => number;
  signal: AbortSignal;
  retry: RetryPolicy;
  /** How long to wait for a key another flow holds between its check and record. */
  busyWaitMs: number;
  /** Test hook between the sink's write and the gate's record (a crash there must lose nothing). */
  afterSink?: () => void;
}

interface Checked {
  apply: Env[];
  duplicate: number;
  stale: number;
}

/** Gate check, waiting for keys another writer holds; re-checked keys may turn stale. */
async function checkGate(
  latest: readonly Env[],
  deps: PipelineDeps,
  attempt: Attempt,
  keepAlive: () => Promise<void>,
): Promise<Checked> {
  const checked: Checked = { apply: [], duplicate: 0, stale: 0 };
  let pending = latest;
  while (pending.length > 0) {
    const verdicts: Verdict[] = await attempt('gate check', () => deps.gate.check(pending));
    const busy: Env[] = [];
    pending.forEach((envelope, i) => {
      const verdict = verdicts[i];
      if (verdict === 'apply') checked.apply.push(envelope);
      else if (verdict === 'duplicate') checked.duplicate += 1;
      else if (verdict === 'stale') checked.stale += 1;
      else busy.push(envelope);
    });
    if (busy.length > 0) {
      deps.log.info({ keys: busy.length }, 'keys held by another writer, waiting');
      await new Promise((r) => setTimeout(r, deps.busyWaitMs));
      await keepAlive();
    }
    pending = busy;
  }
  return checked;
}

async function writeSink(
  apply: readonly Env[],
  deps: PipelineDeps,
  attempt: Attempt,
): Promise<WriteResult> {
  if (apply.length === 0) return { applied: [], failed: [] };
  try {
    return await deps.sink.write(
      apply.map((e) => ({ key: e.key, record: e.record, deleted: e.deleted })),
      attempt,
    );
  } catch (err) {
    // A sink may refuse the whole write as poison; every record of it is dead-lettered.
    if (!(err instanceof PoisonRecordError)) throw err;
    return {
      applied: [],
      failed: apply.map((e) => ({ key: e.key, reasonCode: err.reasonCode, reason: err.message })),
    };
  }
}

function deadLettersOf(
  mappedPoison: DeadLetterEntry[],
  result: WriteResult,
  apply: readonly Env[],
  messages: readonly MessageIn[],
): DeadLetterEntry[] {
  if (result.failed.length === 0) return mappedPoison;
  const byKey = new Map(apply.map((e) => [e.key, e]));
  const byPosition = new Map(messages.map((m) => [m.position, m]));
  const failed = result.failed.flatMap((f) => {
    const message = byPosition.get(byKey.get(f.key)?.position ?? '');
    return message ? [{ message, reasonCode: f.reasonCode, reason: f.reason }] : [];
  });
  return [...mappedPoison, ...failed];
}

/** The versions the sink refused for good: dead-lettered now, never again on a redelivery. */
function refusedOf(result: WriteResult, apply: readonly Env[]): { key: string; version: number }[] {
  const byKey = new Map(apply.map((e) => [e.key, e]));
  return result.failed.flatMap((f) => {
    const envelope = byKey.get(f.key);
    return envelope ? [{ key: f.key, version: envelope.version }] : [];
  });
}

function heartbeatOf(
  batch: SourceBatch,
  nowMs: number,
): { fields: Record<string, number>; secondsBehind: number } {
  let lastTimestampMs = -Infinity;
  for (const m of batch.messages)
    if (m.timestampMs > lastTimestampMs) lastTimestampMs = m.timestampMs;
  const secondsBehind = Math.max(0, (nowMs - lastTimestampMs) / 1000);
  return {
    secondsBehind,
    fields: {
      lastMessageTimestampMs: lastTimestampMs,
      secondsBehind,
      lastBatchAtMs: nowMs,
      [`partition:${batch.label}:lastMessageTimestampMs`]: lastTimestampMs,
      [`partition:${batch.label}:secondsBehind`]: secondsBehind,
    },
  };
}

/** Runs one batch through the pipeline; resolves once its position is committed. */
export async function processBatch(batch: SourceBatch, deps: PipelineDeps): Promise<BatchOutcome> {
  const receivedMs = deps.nowMs();
  const log = deps.log.child({
    partition: batch.label,
    fromPosition: batch.messages[0]?.position,
    toPosition: batch.messages.at(-1)?.position,
  });
  const keepAlive = (): Promise<void> => batch.heartbeat();
  const attempt = attemptFor({ policy: deps.retry, log, signal: deps.signal, keepAlive });

  const mapped = recordsFor(batch.messages, deps.flow);
  const collapsed = latestPerKey(mapped.envelopes);
  const checked = await checkGate(collapsed.latest, deps, attempt, keepAlive);
  const result = await writeSink(checked.apply, deps, attempt);
  const writtenMs = deps.nowMs();
  deps.afterSink?.();

  const deadLetters = deadLettersOf(mapped.poison, result, checked.apply, batch.messages);
  await attempt('dead-letter', () => deps.deadLetter.send(deadLetters));

  const appliedKeys = new Set(result.applied);
  const applied = checked.apply.filter((e) => appliedKeys.has(e.key));
  const skippedInBatch = { duplicate: 0, stale: 0 };
  for (const skipped of collapsed.skipped) skippedInBatch[skipped.reason] += 1;
  const figures: Required<FigureIncrements> = {
    recordsIn: batch.messages.length,
    applied: applied.length,
    skippedDuplicate: skippedInBatch.duplicate + checked.duplicate,
    skippedStale: skippedInBatch.stale + checked.stale,
    deadLettered: deadLetters.length,
    ignored: mapped.ignored,
    batches: 1,
  };
  const heartbeat = heartbeatOf(batch, writtenMs);
  await attempt('gate record', () =>
    deps.gate.record({
      applied: applied.map((e) => ({
        key: e.key,
        eventId: e.eventId,
        version: e.version,
        writer: e.position,
      })),
      released: result.failed.map((f) => f.key),
      refused: refusedOf(result, checked.apply),
      figures,
      heartbeat: heartbeat.fields,
    }),
  );
  await attempt('commit', () => deps.checkpoint.commit(batch));
  const outcome: BatchOutcome = {
    ...figures,
    toWriteMs: writtenMs - receivedMs,
    produceToWriteMs: applied.map((e) => writtenMs - e.timestampMs),
    secondsBehind: heartbeat.secondsBehind,
  };
  log.info({ ...figures, toWriteMs: outcome.toWriteMs }, 'batch done');
  return outcome;
}
