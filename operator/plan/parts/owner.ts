// Owner: every child names the SyncFlow as its controller, so the garbage collector deletes the
// children with the flow and the operator maps child events back to it. blockOwnerDeletion needs
// `update` on syncflows/finalizers (the RBAC grants it).
import { apiVersion } from '../../../crds/syncflow.ts';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export function owner(ctx: Readonly<PlanContext>, draft: Draft): void {
  for (const object of draft.objects()) {
    const metadata = (object.metadata ??= {});
    metadata.ownerReferences = [
      {
        apiVersion,
        kind: 'SyncFlow',
        name: ctx.flow.name,
        uid: ctx.flow.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
}
