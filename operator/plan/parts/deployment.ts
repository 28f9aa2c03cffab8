// Deployment: event flows (`runtime consume`, a consumer group of spec.workload.replicas pods) and
// continuous pollers (`runtime poll`, one pod: two pollers would read the same cursor). Suspend
// scales it to zero; the selector is fixed forever (it is immutable).
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { selectorLabelsFor } from './labels.ts';
import { podTemplateFor } from './pod-template.ts';

export function replicasFor(ctx: Readonly<PlanContext>): number {
  if (ctx.spec.suspend) return 0;
  return ctx.decision.mode === 'consume'
    ? ctx.spec.workload.replicas
    : Math.min(1, ctx.spec.workload.replicas);
}

export function deployment(ctx: Readonly<PlanContext>, draft: Draft): void {
  if (ctx.decision.workloadKind !== 'Deployment') return;
  const template = podTemplateFor(ctx, [ctx.decision.mode], 'Always');
  const selector = selectorLabelsFor(ctx.flow.name, 'workload');
  template.metadata.labels = { ...selector };
  draft.add(
    'workload',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: ctx.names.workload, namespace: ctx.flow.namespace },
      spec: {
        replicas: replicasFor(ctx),
        selector: { matchLabels: selector },
        revisionHistoryLimit: 3,
        template,
      },
    },
    template,
  );
}
