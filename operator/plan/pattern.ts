// The pattern choice: a flow's budget (maxLag) and what its source can do decide whether it runs
// as an event consumer or continuous poller (Deployment), a poll or a batch (CronJob), with
// the schedule and a sentence saying why. Pure; the planner turns the decision into children.
import { formatDuration, parseDuration, sourceVariantOf } from '../../crds/syncflow.ts';
import type { SourceVariant, SyncFlowSpec } from '../../crds/syncflow.ts';
import { cronStepFor, dailyStep, type CronStep } from './cron-step.ts';

/** Below this budget only a continuously running workload can keep up. */
export const eventBudgetSeconds = 120;
/** From this budget a batch is enough; daily from `dailyBudgetSeconds`. */
export const batchBudgetSeconds = 3600;
export const dailyBudgetSeconds = 86_400;

/** Event flows that can be polled get this sweep, half past each hour (clear of hourly batches). */
export const sweepSchedule = '30 * * * *';

export interface SourceCapabilities {
  variant: SourceVariant;
  /** The source pushes change events (a Kafka topic). */
  emitsEvents: boolean;
  /** The system of record can be asked for changes since a cursor. */
  pollable: boolean;
}

export interface PatternInput {
  maxLag: string;
  pattern: SyncFlowSpec['pattern'];
  schedule?: string | undefined;
  timeZone: string;
  source: SourceCapabilities;
}

export interface CronJobPolicy {
  concurrencyPolicy: 'Forbid';
  startingDeadlineSeconds: number;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
}

export interface PatternDecision {
  stalled: false;
  pattern: 'event' | 'poll' | 'batch';
  /** Runtime subcommand. */
  mode: 'consume' | 'poll' | 'batch';
  workloadKind: 'Deployment' | 'CronJob';
  /** CronJob flows: when runs start, in `timeZone`. */
  schedule?: string;
  timeZone: string;
  /** Continuous pollers: seconds between polls. */
  pollIntervalSeconds?: number;
  cronJob?: CronJobPolicy;
  /** Event flows whose source can be polled: a slow poll catching events never sent. */
  sweep?: { schedule: string; timeZone: string; cronJob: CronJobPolicy };
  maxLagSeconds: number;
  reason: string;
}

export interface PatternStalled {
  stalled: true;
  reason: string;
}

export type PatternChoice = PatternDecision | PatternStalled;

/** What a flow's source can do. */
export function sourceCapabilitiesOf(source: SyncFlowSpec['source']): SourceCapabilities {
  const variant = sourceVariantOf(source);
  if (variant === 'kafka')
    return { variant, emitsEvents: true, pollable: source.poll !== undefined };
  return { variant, emitsEvents: false, pollable: variant !== 'file' };
}

/** The input of the choice, read from a flow's spec. */
export function patternInputFor(spec: SyncFlowSpec): PatternInput {
  const { maxLag, pattern, schedule, timeZone, source } = spec;
  return { maxLag, pattern, schedule, timeZone, source: sourceCapabilitiesOf(source) };
}

/** "an odata", "a file": the variant with its indefinite article. */
function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function modeOf(source: SourceCapabilities): PatternDecision['mode'] {
  if (source.emitsEvents) return 'consume';
  return source.pollable ? 'poll' : 'batch';
}

/** A missed start still runs within one period; history keeps the last success and 3 failures. */
function cronJobPolicyFor(periodSeconds: number): CronJobPolicy {
  return {
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: Math.max(60, Math.round(periodSeconds)),
    successfulJobsHistoryLimit: 1,
    failedJobsHistoryLimit: 3,
  };
}

interface Context {
  input: PatternInput;
  budgetSeconds: number;
  /** "maxLag 60s < 2m" or "pattern poll set": how the reason starts. */
  because: string;
}

function event(ctx: Context): PatternChoice {
  const { input, budgetSeconds, because } = ctx;
  const { source, timeZone } = input;
  const base = {
    stalled: false,
    pattern: 'event',
    workloadKind: 'Deployment',
    timeZone,
    maxLagSeconds: budgetSeconds,
  } as const;
  if (source.emitsEvents) {
    const sweep = source.pollable
      ? { schedule: sweepSchedule, timeZone, cronJob: cronJobPolicyFor(3600) }
      : undefined;
    const reason = `${because}: event-driven (Kafka consumer)${sweep ? ', with an hourly sweep poll' : ''}`;
    return sweep
      ? { ...base, mode: 'consume', sweep, reason }
      : { ...base, mode: 'consume', reason };
  }
  if (!source.pollable) {
    return {
      stalled: true,
      reason: `${because}, but ${article(source.variant)} source can neither emit events nor be polled continuously: raise maxLag to at least ${formatDuration(eventBudgetSeconds)}, or read from kafka or an API`,
    };
  }
  const pollIntervalSeconds = Math.max(1, Math.floor(budgetSeconds / 3));
  return {
    ...base,
    mode: 'poll',
    pollIntervalSeconds,
    reason: `${because}, but ${article(source.variant)} source cannot emit events: continuous poll every ${formatDuration(pollIntervalSeconds)}`,
  };
}

function scheduled(ctx: Context, pattern: 'poll' | 'batch', step: CronStep): PatternDecision {
  const { input, budgetSeconds, because } = ctx;
  const userSchedule = input.schedule;
  const schedule = userSchedule ?? step.schedule;
  const cadence = userSchedule
    ? `${pattern} on the schedule "${userSchedule}" set in spec`
    : describeStep(pattern, step, input.timeZone);
  const late =
    userSchedule === undefined && step.periodSeconds > budgetSeconds
      ? `, which cannot meet maxLag ${input.maxLag}`
      : '';
  return {
    stalled: false,
    pattern,
    mode: modeOf(input.source),
    workloadKind: 'CronJob',
    schedule,
    timeZone: input.timeZone,
    cronJob: cronJobPolicyFor(
      userSchedule ? Math.min(Math.max(budgetSeconds, 60), 3600) : step.periodSeconds,
    ),
    maxLagSeconds: budgetSeconds,
    reason: `${because}: ${cadence}${late}`,
  };
}

function describeStep(pattern: 'poll' | 'batch', step: CronStep, timeZone: string): string {
  if (step === dailyStep) return `daily ${pattern} at 02:00 ${timeZone}`;
  if (step.periodSeconds === 3600) return `hourly ${pattern}`;
  return `${pattern} every ${formatDuration(step.periodSeconds)}`;
}

function poll(ctx: Context): PatternDecision {
  return scheduled(ctx, 'poll', cronStepFor(ctx.budgetSeconds / 2));
}

function batch(ctx: Context): PatternDecision {
  const step = ctx.budgetSeconds >= dailyBudgetSeconds ? dailyStep : cronStepFor(3600);
  return scheduled(ctx, 'batch', step);
}

function auto(input: PatternInput, budgetSeconds: number): PatternChoice {
  const lag = `maxLag ${input.maxLag}`;
  if (budgetSeconds < eventBudgetSeconds) {
    if (input.schedule === undefined)
      return event({ input, budgetSeconds, because: `${lag} < 2m` });
    return poll({
      input,
      budgetSeconds,
      because: `${lag} < 2m would be event-driven, but schedule is set`,
    });
  }
  if (budgetSeconds < batchBudgetSeconds)
    return poll({ input, budgetSeconds, because: `${lag} is between 2m and 1h` });
  if (budgetSeconds < dailyBudgetSeconds)
    return batch({ input, budgetSeconds, because: `${lag} >= 1h` });
  return batch({ input, budgetSeconds, because: `${lag} >= 24h` });
}

/** Chooses the pattern, workload and schedule of a flow, with the reason as a sentence. */
export function choosePattern(input: PatternInput): PatternChoice {
  const budgetSeconds = parseDuration(input.maxLag);
  const ctx: Context = { input, budgetSeconds, because: `pattern ${input.pattern} set` };
  switch (input.pattern) {
    case 'auto':
      return auto(input, budgetSeconds);
    case 'event':
      return event(ctx);
    case 'poll':
      return poll(ctx);
    case 'batch':
      return batch(ctx);
  }
}
