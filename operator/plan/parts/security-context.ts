// Security context: the restricted Pod Security profile — non-root (uid 10001), read-only root
// filesystem, no privilege escalation, every capability dropped, the runtime's default seccomp.
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';

export const runtimeUserId = 10001;

export function securityContext(_ctx: Readonly<PlanContext>, draft: Draft): void {
  draft.eachPodSpec((spec) => {
    spec.securityContext = {
      runAsNonRoot: true,
      runAsUser: runtimeUserId,
      runAsGroup: runtimeUserId,
      fsGroup: runtimeUserId,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    for (const c of spec.containers) {
      c.securityContext = {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      };
    }
  });
}
