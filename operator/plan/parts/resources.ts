// Resources: spec.workload.resources over sane defaults (requests cpu 50m, memory 128Mi; limit
// memory 512Mi; no CPU limit, which only throttles), per resource name.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export const defaultRequests = { cpu: '50m', memory: '128Mi' } as const;
export const defaultLimits = { memory: '512Mi' } as const;

export function resources(ctx: Readonly<PlanContext>, draft: Draft): void {
  const wanted = ctx.spec.workload.resources;
  const requests = { ...defaultRequests, ...wanted?.requests };
  const limits = { ...defaultLimits, ...wanted?.limits };
  draft.eachContainer((c) => {
    c.resources = { requests: { ...requests }, limits: { ...limits } };
  });
}
