// Cron lines for a wanted period: the largest regular step not longer than the period, so runs
// come at least that often (a `*/7` would leave a 4-minute gap at the top of the hour).

const minuteSteps = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;
const hourSteps = [1, 2, 3, 4, 6, 8, 12] as const;

export interface CronStep {
  schedule: string;
  periodSeconds: number;
}

function largestAtMost(steps: readonly number[], limit: number): number {
  return steps.filter((step) => step <= limit).at(-1) ?? 1;
}

/** Daily runs start at 02:00 in the flow's time zone, when ERPs and shops are quiet. */
export const dailyStep: CronStep = { schedule: '0 2 * * *', periodSeconds: 86_400 };

/** A cron line that fires at least every `periodSeconds` (at least once a minute, at most daily). */
export function cronStepFor(periodSeconds: number): CronStep {
  const minutes = periodSeconds / 60;
  if (minutes < 60) {
    const step = largestAtMost(minuteSteps, minutes);
    return { schedule: step === 1 ? '* * * * *' : `*/${step} * * * *`, periodSeconds: step * 60 };
  }
  const hours = minutes / 60;
  if (hours < 24) {
    const step = largestAtMost(hourSteps, hours);
    return { schedule: step === 1 ? '0 * * * *' : `0 */${step} * * *`, periodSeconds: step * 3600 };
  }
  return dailyStep;
}
