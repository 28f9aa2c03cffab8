// Sweep: an event flow whose source can also be polled gets a slow `runtime poll` CronJob that
// catches the events the ERP never sent (status.sweep names it).
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { cronJobFor } from './cron-job.ts';
import { podTemplateFor } from './pod-template.ts';

export function sweepCronJob(ctx: Readonly<PlanContext>, draft: Draft): void {
  const sweep = ctx.decision.sweep;
  if (!sweep) return;
  const template = podTemplateFor(ctx, ['poll'], 'Never');
  const shape = {
    name: ctx.names.sweep,
    schedule: sweep.schedule,
    timeZone: sweep.timeZone,
    policy: sweep.cronJob,
    template,
  };
  draft.add('sweep', cronJobFor(ctx, shape), template);
}
