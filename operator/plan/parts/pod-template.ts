// The pod template every kind part starts from: the flow's ServiceAccount, no API token, and one
// container `runtime` running a subcommand. Later parts fill in image, volumes, security, resources.
import type { PodSpec, PodTemplate } from '../manifest.ts';
import type { PlanContext } from '../plan-context.ts';

export const runtimeContainerName = 'runtime';

export function podTemplateFor(
  ctx: Readonly<PlanContext>,
  args: string[],
  restartPolicy: PodSpec['restartPolicy'],
): PodTemplate {
  return {
    metadata: { labels: {}, annotations: {} },
    spec: {
      serviceAccountName: ctx.names.serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy,
      containers: [
        { name: runtimeContainerName, image: '', command: [], args, env: [], volumeMounts: [] },
      ],
      volumes: [],
    },
  };
}
