// ServiceAccount: each flow's pods run as their own account, without an API token mounted —
// the runtime never talks to Kubernetes.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export function serviceAccount(ctx: Readonly<PlanContext>, draft: Draft): void {
  draft.add('service-account', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: ctx.names.serviceAccount, namespace: ctx.flow.namespace },
    automountServiceAccountToken: false,
  });
}
