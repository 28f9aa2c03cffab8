// CronJob: poll and batch flows run `runtime poll` / `runtime batch` on the decision's schedule in
// the flow's time zone, never two runs at once (Forbid), a missed start still runs within its
// starting deadline, and a run longer than runTimeout (default: one period) is stopped.
import { parseDuration } from '../../../crds/syncflow.ts';
import type { Draft } from '../draft.ts';
import type { Manifest, PodTemplate } from '../manifest.ts';
import type { CronJobPolicy } from '../pattern.ts';
import type { PlanContext } from '../plan-context.ts';
import { flowLabelsFor } from './labels.ts';
import { podTemplateFor } from './pod-template.ts';

export interface CronJobShape {
  name: string;
  schedule: string;
  timeZone: string;
  policy: CronJobPolicy;
  template: PodTemplate;
}

export function cronJobFor(ctx: Readonly<PlanContext>, shape: CronJobShape): Manifest {
  const runTimeout = ctx.spec.workload.runTimeout;
  const activeDeadlineSeconds = runTimeout
    ? Math.max(1, Math.round(parseDuration(runTimeout)))
    : shape.policy.startingDeadlineSeconds;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: shape.name, namespace: ctx.flow.namespace },
    spec: {
      schedule: shape.schedule,
      timeZone: shape.timeZone,
      suspend: ctx.spec.suspend,
      ...shape.policy,
      jobTemplate: {
        metadata: { labels: flowLabelsFor(ctx.flow.name) },
        spec: { backoffLimit: 2, activeDeadlineSeconds, template: shape.template },
      },
    },
  };
}

export function cronJob(ctx: Readonly<PlanContext>, draft: Draft): void {
  const { decision } = ctx;
  if (decision.workloadKind !== 'CronJob' || !decision.cronJob || !decision.schedule) return;
  const template = podTemplateFor(ctx, [decision.mode], 'Never');
  const shape = {
    name: ctx.names.workload,
    schedule: decision.schedule,
    timeZone: decision.timeZone,
    policy: decision.cronJob,
    template,
  };
  draft.add('workload', cronJobFor(ctx, shape), template);
}
