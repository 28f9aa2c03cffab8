// Container: the operator's own image running the compiled runtime with the pod's subcommand,
// pointed at the mounted flow configuration; the long-running workload exposes its metrics port.
import { flowConfigKey } from '../../../crds/flow-config.ts';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { configMountPath } from './volumes.ts';

export const runtimeCommand = ['node', 'dist/runtime/main.js'];
export const metricsPort = 9464;

export function container(ctx: Readonly<PlanContext>, draft: Draft): void {
  const longRunning = ctx.decision.workloadKind === 'Deployment';
  draft.eachContainer((c, role) => {
    c.image = ctx.settings.image;
    c.command = [...runtimeCommand];
    c.env.push({ name: 'SYNCFLOW_CONFIG', value: `${configMountPath}/${flowConfigKey}` });
    if (role === 'workload' && longRunning)
      c.ports = [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }];
  });
}
