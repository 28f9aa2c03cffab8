// Time compression: the overlay that makes a production flow run `speed` times faster on the
// demo. The flow keeps the pattern the operator picks for its production budget (an hourly
// batch stays a batch), runs every period/speed (cron counts in minutes, so never more often
// than once a minute), and its budget shrinks alike, never below `budgetFloorSeconds` (a pod's
// start on the local node) nor below two cron periods: a scheduled flow's lag counts from the
// start of its last good poll or the as-of of its last import, so just before a run ends it is
// a period plus the run's time (a run never outlasts its period: the CronJob forbids overlap).
// Pure.
import { formatDuration, parseDuration } from '../crds/duration.ts';
import type { SyncFlowSpec } from '../crds/syncflow.ts';
// The operator's own rules decide the production pattern: one source of truth, no copy.
import { choosePattern, patternInputFor } from '../operator/plan/pattern.ts';
import { cronStepFor, dailyStep } from '../operator/plan/cron-step.ts';

export const budgetFloorSeconds = 30;

export interface ScaledFlow {
  pattern: 'event' | 'poll' | 'batch';
  /** Cron line of the compressed schedule (CronJob flows only). */
  schedule?: string;
  /** Seconds between two scheduled runs after compression (CronJob flows only). */
  periodSeconds?: number;
  budgetSeconds: number;
  /** The spec fields the overlay sets. */
  overlay: Pick<SyncFlowSpec, 'pattern' | 'maxLag'> & { schedule?: string };
}

function periodOf(schedule: string | undefined): number | undefined {
  if (schedule === undefined) return undefined;
  if (schedule === dailyStep.schedule) return dailyStep.periodSeconds;
  const minutes = /^\*\/(\d+) \* \* \* \*$/.exec(schedule)?.[1];
  if (schedule === '* * * * *') return 60;
  if (minutes !== undefined) return Number(minutes) * 60;
  const hours = /^0 \*\/(\d+) \* \* \*$/.exec(schedule)?.[1];
  if (schedule === '0 * * * *') return 3600;
  return hours === undefined ? undefined : Number(hours) * 3600;
}

/** How `spec` runs at `speed`: its production pattern, compressed schedule and budget. */
export function scaledFlowFor(spec: SyncFlowSpec, speed: number): ScaledFlow | { stalled: string } {
  const decision = choosePattern(patternInputFor(spec));
  if (decision.stalled) return { stalled: decision.reason };
  const maxLagSeconds = parseDuration(spec.maxLag);
  const productionPeriod = periodOf(decision.schedule);
  const step = productionPeriod === undefined ? undefined : cronStepFor(productionPeriod / speed);
  const budgetSeconds = Math.max(
    Math.ceil(maxLagSeconds / speed),
    budgetFloorSeconds,
    2 * (step?.periodSeconds ?? 0),
  );
  const overlay = {
    pattern: decision.pattern,
    maxLag: formatDuration(budgetSeconds),
    ...(step ? { schedule: step.schedule } : {}),
  };
  return {
    pattern: decision.pattern,
    budgetSeconds,
    overlay,
    ...(step ? { schedule: step.schedule, periodSeconds: step.periodSeconds } : {}),
  };
}
