// Container: the operator's own image running the compiled runtime with the pod's subcommand,
// pointed at the mounted flow configuration; the long-running workload exposes its metrics port.
import { flowConfigKey } from '../../../crds/flow-config.ts';
import type { Draft } from '../draft.ts';
import type { PlanContext } from '../plan-context.ts';
import { configMountPath } from './volumes.ts';

export const runtimeCommand = ['node', 'dist/runtime/main.js'];
/**
 * Node flags of a batch import (`runtime batch`). Its live heap is small (one chunk in flight,
 * one read ahead) but it allocates fast, and V8's default heap growth lets garbage pile up to
 * several times the live set: a small young generation and a slow-growing old one keep the peak
 * RSS flat, whatever the file's size. bench/batch.ts runs its child with these.
 */
export const batchNodeFlags = ['--max-semi-space-size=8', '--heap-growing-percent=30'];
export const metricsPort = 9464;
const guardedModes = new Set(['poll', 'batch']);

export function container(ctx: Readonly<PlanContext>, draft: Draft): void {
  const longRunning = ctx.decision.workloadKind === 'Deployment';
  draft.eachContainer((c, role) => {
    c.image = ctx.settings.image;
    c.command =
      c.args[0] === 'batch'
        ? ['node', ...batchNodeFlags, ...runtimeCommand.slice(1)]
        : [...runtimeCommand];
    c.env.push({ name: 'SYNCFLOW_CONFIG', value: `${configMountPath}/${flowConfigKey}` });
    // Only runs a guard can stop read the approval; a consumer's pods are not restarted by it.
    if (ctx.approval !== undefined && guardedModes.has(c.args[0] ?? ''))
      c.env.push({ name: 'SYNCFLOW_APPROVED_RUN', value: ctx.approval });
    if (role === 'workload' && longRunning)
      c.ports = [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }];
  });
}
