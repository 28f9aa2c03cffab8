// Labels: every child carries the product, manager and flow labels (the operator's informers
// select on managed-by, Ready reads pods by flow); pods also carry their component, which keeps
// the selectors of a flow's Deployment, sweep and initial sync apart.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managerName = 'syncflow-operator';
export const flowLabel = 'syncflow.io/flow';
export const componentLabel = 'syncflow.io/component';

export function flowLabelsFor(flowName: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'syncflow',
    [managedByLabel]: managerName,
    [flowLabel]: flowName,
  };
}

/** The labels selecting one component's pods (a Deployment's selector never changes). */
export function selectorLabelsFor(flowName: string, component: string): Record<string, string> {
  return { [flowLabel]: flowName, [componentLabel]: component };
}

export function labels(ctx: Readonly<PlanContext>, draft: Draft): void {
  const common = flowLabelsFor(ctx.flow.name);
  for (const object of draft.objects()) {
    const metadata = (object.metadata ??= {});
    metadata.labels = { ...metadata.labels, ...common };
  }
  draft.eachPodTemplate((template, role) => {
    template.metadata.labels = { ...template.metadata.labels, ...common, [componentLabel]: role };
  });
}
