// Scheduling: where the pods may run and how important they are, copied from spec.workload.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export function scheduling(ctx: Readonly<PlanContext>, draft: Draft): void {
  const { nodeSelector, tolerations, affinity, priorityClassName } = ctx.spec.workload;
  draft.eachPodSpec((spec) => {
    if (nodeSelector) spec.nodeSelector = { ...nodeSelector };
    if (tolerations) spec.tolerations = structuredClone(tolerations);
    if (affinity) spec.affinity = structuredClone(affinity);
    if (priorityClassName) spec.priorityClassName = priorityClassName;
  });
}
