// The status of a SyncFlowReplay (pure): phase, message, timestamps, the Ready and Stalled
// conditions, and the progress the runtime keeps in Redis (offsets per partition, cursor,
// counts), plus the merge patch that brings the current status there (none when unchanged).
import type { ReplayPhase, SyncFlowReplayStatus } from '../../crds/replay.ts';
import { conditionsFor, type WantedCondition } from './status.ts';

export interface ReplayFacts {
  generation: number;
  now: number;
  progress?: Readonly<Record<string, string>>;
}

export interface PhaseOf {
  phase: ReplayPhase;
  reason: string;
  message: string;
  /** True while the replay waits for a person (its flow is missing or cannot be planned). */
  stalled?: boolean;
  startedAt?: string;
  completedAt?: string;
}

export type ReplayProgress = Pick<SyncFlowReplayStatus, 'offsets' | 'cursor' | 'counts'>;

const countFields = [
  ['read', 'recordsIn'],
  ['applied', 'applied'],
  ['deadLettered', 'deadLettered'],
] as const;

function countsOf(hash: Readonly<Record<string, string>>): SyncFlowReplayStatus['counts'] {
  const counts: NonNullable<SyncFlowReplayStatus['counts']> = {};
  for (const [field, key] of countFields)
    if (hash[key] !== undefined) counts[field] = Number(hash[key]);
  const skipped = ['skippedDuplicate', 'skippedStale'].filter((k) => hash[k] !== undefined);
  if (skipped.length > 0) counts.skipped = skipped.reduce((n, k) => n + Number(hash[k]), 0);
  return Object.keys(counts).length > 0 ? counts : undefined;
}

function offsetsOf(hash: Readonly<Record<string, string>>): SyncFlowReplayStatus['offsets'] {
  if (!hash['ranges']) return undefined;
  const ranges = JSON.parse(hash['ranges']) as { partition: number; from: number; to: number }[];
  return ranges.map((r) => {
    const committed = hash[`committed:${r.partition}`];
    return { ...r, committed: committed === undefined ? r.from : Number(committed) };
  });
}

/** Offsets, cursor and counts from the runtime's progress hash. */
export function progressOf(hash: Readonly<Record<string, string>> | undefined): ReplayProgress {
  if (!hash) return {};
  const progress: ReplayProgress = {};
  const offsets = offsetsOf(hash);
  const counts = countsOf(hash);
  if (offsets) progress.offsets = offsets;
  if (hash['cursor'] || hash['to'])
    progress.cursor = {
      from: hash['from'] ?? '',
      ...(hash['to'] ? { to: hash['to'] } : {}),
      ...(hash['cursor'] ? { current: hash['cursor'] } : {}),
    };
  if (counts) progress.counts = counts;
  return progress;
}

/** Ready is True once completed; Stalled is True while a person must act. */
function conditionsOf(phase: PhaseOf): WantedCondition[] {
  const stalled: WantedCondition = phase.stalled
    ? { type: 'Stalled', status: 'True', reason: phase.reason, message: phase.message }
    : { type: 'Stalled', status: 'False', reason: 'Progressing', message: 'nothing to fix' };
  const ready = phase.phase === 'Completed' ? 'True' : 'False';
  return [{ type: 'Ready', status: ready, reason: phase.reason, message: phase.message }, stalled];
}

export function replayStatusFor(
  current: SyncFlowReplayStatus | undefined,
  facts: ReplayFacts,
  phase: PhaseOf,
): SyncFlowReplayStatus {
  const wanted = conditionsOf(phase);
  const startedAt = phase.startedAt ?? current?.startedAt;
  return {
    observedGeneration: facts.generation,
    phase: phase.phase,
    message: phase.message,
    ...(startedAt ? { startedAt } : {}),
    ...(phase.completedAt ? { completedAt: phase.completedAt } : {}),
    ...progressOf(facts.progress),
    conditions: conditionsFor(current?.conditions ?? [], wanted, {
      generation: facts.generation,
      now: facts.now,
    }),
  };
}

/** The merge patch from `current` to `desired`, or undefined when they are the same. */
export function replayStatusPatchFor(
  current: SyncFlowReplayStatus | undefined,
  desired: SyncFlowReplayStatus,
): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  const before = (current ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(desired))
    if (JSON.stringify(before[field]) !== JSON.stringify(value)) patch[field] = value;
  return Object.keys(patch).length === 0 ? undefined : patch;
}
