// Initial sync: a one-off Job when the flow is created (spec.initialSync), reading from
// initialSync.from with the source's read mode. Jobs are immutable, so the planner emits it only
// while the flow is new (see plan.ts) and the reconciler never prunes it: once it completed or
// was deleted it is never created again.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { podTemplateFor } from './pod-template.ts';

/** A finished initial-sync Job is kept a week for `kubectl logs`, then removed. */
export const initialSyncTtlSeconds = 7 * 86_400;

/** The subcommand that reads the whole source: its poll reader, or the consumer or the file. */
export function initialSyncModeOf(ctx: Readonly<PlanContext>): string {
  const { spec } = ctx;
  if (spec.source.kafka !== undefined) return spec.source.poll ? 'poll' : 'consume';
  return spec.source.file !== undefined ? 'batch' : 'poll';
}

export function initialSyncJob(ctx: Readonly<PlanContext>, draft: Draft): void {
  if (ctx.initialSync !== 'create' || ctx.spec.initialSync === undefined) return;
  const template = podTemplateFor(ctx, [initialSyncModeOf(ctx), '--initial-sync'], 'Never');
  draft.add(
    'initial-sync',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: ctx.names.initialSyncJob, namespace: ctx.flow.namespace },
      spec: { backoffLimit: 3, ttlSecondsAfterFinished: initialSyncTtlSeconds, template },
    },
    template,
  );
}
