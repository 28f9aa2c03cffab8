// Entry of operator/lag/ (pure): from a flow's pattern, budget, the facts read from its Redis and
// Kafka, its current status and `now`, the lag and run part of the status — status.lag,
// LagWithinBudget, lastRun, LastRunSucceeded, SchemaDrift, GuardTripped, consecutiveFailedRuns,
// cursor — and the merge patch to write now, if the throttle (throttle.ts) allows one. It never touches Ready:
// lag over budget or a failed run does not make a flow un-Ready (GitOps tools wait on Ready).
import type { Condition } from '../../crds/conditions.ts';
import { formatDuration, type Pattern, type SyncFlowStatus } from '../../crds/syncflow.ts';
import {
  hasConditionDetailChange,
  hasConditionTransition,
  mergeConditions,
  type WantedLagCondition,
} from './conditions.ts';
import type { FlowFacts } from './facts.ts';
import { measureLag, type Measurement } from './measure.ts';
import { runOutcomeOf, type RunOutcome } from './run-outcome.ts';
import { lagWriteDecision, type WriteAllowance, type WriteDecision } from './throttle.ts';

export * from './facts.ts';
export { lagConditionTypes, type LagConditionType, type WantedLagCondition } from './conditions.ts';
export {
  lagWriteDecision,
  lagWriteIntervalMs,
  type WriteAllowance,
  type WriteDecision,
} from './throttle.ts';

export type Lag = NonNullable<SyncFlowStatus['lag']>;

export interface LagStatusInput {
  pattern: Pattern;
  budgetSeconds: number;
  /** metadata.generation, stamped on the conditions. */
  generation?: number | undefined;
  facts: FlowFacts;
  current: SyncFlowStatus | undefined;
  /** The flow's write allowance after the previous measurement; none after a restart. */
  allowance?: WriteAllowance | undefined;
  now: number;
}

export interface LagStatusResult {
  decision: WriteDecision;
  /** Keep it for the flow's next measurement. */
  allowance: WriteAllowance;
  /** JSON merge patch of `status`; set only when decision is `now`. */
  patch?: Record<string, unknown>;
  /** The measurement, whether written or not (metrics show it at once). */
  lag?: Lag;
  /** The condition list as it is once the wanted conditions are set (metrics). */
  conditions: Condition[];
  run?: RunOutcome;
}

const span = (seconds: number): string => (seconds < 1 ? '0s' : formatDuration(seconds));

function budgetCondition(
  m: Measurement,
  budgetSeconds: number,
  facts: FlowFacts,
): WantedLagCondition {
  const type = 'LagWithinBudget';
  if (facts.problems.length > 0)
    return {
      type,
      status: 'Unknown',
      reason: 'StateUnreachable',
      message: facts.problems.map((p) => p.message).join('; '),
    };
  if (m.seconds === undefined)
    return { type, status: 'Unknown', reason: 'NotMeasured', message: m.unknown ?? 'no lag yet' };
  const messages = m.messages ? `; ${m.messages} messages behind` : '';
  if (m.seconds > budgetSeconds)
    return {
      type,
      status: 'False',
      reason: 'BudgetExceeded',
      message: `lag ${span(m.seconds)} > budget ${span(budgetSeconds)}${messages}`,
    };
  const silent =
    m.sourceSilentSeconds === undefined
      ? ''
      : `; the source has sent nothing for ${span(m.sourceSilentSeconds)}`;
  return {
    type,
    status: 'True',
    reason: 'WithinBudget',
    message: `lag ${span(m.seconds)} <= budget ${span(budgetSeconds)}${messages}${silent}`,
  };
}

function lagOf(m: Measurement, budgetSeconds: number, now: number): Lag | undefined {
  if (m.seconds === undefined && m.messages === undefined) return undefined;
  return {
    ...(m.seconds !== undefined ? { seconds: m.seconds } : {}),
    ...(m.messages !== undefined ? { messages: m.messages } : {}),
    budgetSeconds,
    measuredAt: new Date(now).toISOString(),
    ...(m.sourceSilentSeconds !== undefined ? { sourceSilentSeconds: m.sourceSilentSeconds } : {}),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
/** The numbers alone: measuredAt and absent (null or undefined) fields left out. */
const withoutTime = (lag: Lag | undefined): unknown =>
  lag &&
  Object.fromEntries(
    Object.entries(lag).filter(([k, v]) => k !== 'measuredAt' && v !== null && v !== undefined),
  );

/** A merge patch merges objects: a field the new measurement lacks must be sent as null. */
function lagPatchOf(lag: Lag | undefined): Record<string, unknown> {
  if (!lag) return {};
  const { seconds = null, messages = null, sourceSilentSeconds = null } = lag;
  return { lag: { ...lag, seconds, messages, sourceSilentSeconds } };
}

const runFields = ['lastRun', 'consecutiveFailedRuns', 'cursor'] as const;

function runPatchOf(current: SyncFlowStatus, run: RunOutcome | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (!run) return patch;
  for (const field of runFields)
    if (!same(current[field], run[field])) patch[field] = run[field] ?? null;
  return patch;
}

function decisionFor(
  input: LagStatusInput,
  wanted: readonly WantedLagCondition[],
  changes: { lag: Lag | undefined; runPatch: Record<string, unknown> },
): { decision: WriteDecision; allowance: WriteAllowance } {
  const current = input.current ?? {};
  const existing = current.conditions ?? [];
  const lagChanged =
    changes.lag !== undefined && !same(withoutTime(current.lag), withoutTime(changes.lag));
  const measuredAt = current.lag?.measuredAt;
  return lagWriteDecision({
    urgent: hasConditionTransition(existing, wanted) || 'consecutiveFailedRuns' in changes.runPatch,
    detailChanged:
      lagChanged ||
      Object.keys(changes.runPatch).length > 0 ||
      hasConditionDetailChange(existing, wanted, input.generation),
    allowance: input.allowance,
    lastMeasuredAtMs: measuredAt ? Date.parse(measuredAt) : undefined,
    now: input.now,
  });
}

/** See the file comment. */
export function lagStatusFor(input: LagStatusInput): LagStatusResult {
  const { facts, budgetSeconds, now } = input;
  const current = input.current ?? {};
  const measurement = measureLag(input.pattern, facts, { budgetSeconds, now });
  const run = facts.state ? runOutcomeOf(facts.state) : undefined;
  const wanted = [budgetCondition(measurement, budgetSeconds, facts), ...(run?.conditions ?? [])];
  const lag = facts.problems.length > 0 ? undefined : lagOf(measurement, budgetSeconds, now);
  const conditions = mergeConditions(current.conditions ?? [], wanted, {
    generation: input.generation,
    now,
  });
  const runPatch = runPatchOf(current, run);
  const { decision, allowance } = decisionFor(input, wanted, { lag, runPatch });
  const lagPart = lag ? { lag } : {};
  const base = { decision, allowance, conditions, ...lagPart, ...(run ? { run } : {}) };
  if (decision !== 'now') return base;
  return { ...base, patch: { ...lagPatchOf(lag), ...runPatch, conditions } };
}
