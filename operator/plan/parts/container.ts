// Container: the operator's own image running the compiled runtime with the pod's subcommand,
// pointed at the mounted flow configuration; the long-running workload exposes its metrics port.
import { flowConfigKey } from '../../../crds/flow-config.ts';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { configMountPath } from './volumes.ts';

export const runtimeCommand = ['node', 'dist/runtime/main.js'];
export const metricsPort = 9464;
const guardedModes = new Set(['poll', 'batch']);

export function container(ctx: Readonly<PlanContext>, draft: Draft): void {
  const longRunning = ctx.decision.workloadKind === 'Deployment';
  draft.eachContainer((c, role) => {
    c.image = ctx.settings.image;
    c.command = [...runtimeCommand];
    c.env.push({ name: 'SYNCFLOW_CONFIG', value: `${configMountPath}/${flowConfigKey}` });
    // Only runs a guard can stop read the approval; a consumer's pods are not restarted by it.
    if (ctx.approval !== undefined && guardedModes.has(c.args[0] ?? ''))
      c.env.push({ name: 'SYNCFLOW_APPROVED_RUN', value: ctx.approval });
    if (role === 'workload' && longRunning)
      c.ports = [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }];
  });
}
