// The lag step of a SyncFlow reconcile: read the flow's facts from its Redis and Kafka, turn them
// into the lag and run part of the status (operator/lag/), update the flow's metrics, and return
// the status patch when the throttle allows one. A flow whose state cannot be read gets a
// LagWithinBudget=Unknown message instead of an error: the reconcile goes on.
import { syncConnectionSpecSchema, type SyncConnectionSpec } from '../../crds/connection.ts';
import {
  parseDuration,
  syncFlowSpecSchema,
  type Pattern,
  type SyncFlowStatus,
} from '../../crds/syncflow.ts';
import type { Clock } from '../clock.ts';
import type { KubernetesObject } from '../kube/client.ts';
import { lagStatusFor, type LagStatusResult, type WriteAllowance } from '../lag/lag-status.ts';
import type { FlowStateReader } from '../state/flow-state.ts';
import type { FlowMetrics } from './flow-metrics.ts';

export interface LagRefreshDeps {
  reader: Pick<FlowStateReader, 'read'>;
  metrics: FlowMetrics;
  instanceId: string;
  clock: Clock;
  /** Each flow's status-write allowance (`namespace/name`), kept between measurements. */
  allowances: Map<string, WriteAllowance>;
}

export interface LagRefreshInput {
  namespace: string;
  name: string;
  generation: number | undefined;
  spec: unknown;
  pattern: Pattern;
  /** The status as it will be once the reconcile's own patch is written. */
  status: SyncFlowStatus | undefined;
  connections: readonly (KubernetesObject & { spec?: unknown })[];
}

function connectionSpecs(
  namespace: string,
  connections: LagRefreshInput['connections'],
): Map<string, SyncConnectionSpec> {
  const specs = new Map<string, SyncConnectionSpec>();
  for (const c of connections) {
    if (c.metadata?.namespace !== namespace) continue;
    const parsed = syncConnectionSpecSchema.safeParse(c.spec);
    if (parsed.success) specs.set(c.metadata.name ?? '', parsed.data);
  }
  return specs;
}

/** The lag step; undefined when the spec does not parse (the plan reports that as Stalled). */
export async function refreshLag(
  deps: LagRefreshDeps,
  input: LagRefreshInput,
): Promise<LagStatusResult | undefined> {
  const parsed = syncFlowSpecSchema.safeParse(input.spec);
  if (!parsed.success) return undefined;
  const spec = parsed.data;
  const { namespace, name } = input;
  const kafka = spec.source.kafka;
  const facts = await deps.reader.read({
    flow: { instanceId: deps.instanceId, namespace, name },
    pattern: input.pattern,
    stateConnection: spec.state.connection,
    kafka: kafka ? { connection: spec.source.connection, topic: kafka.topic } : undefined,
    connections: connectionSpecs(namespace, input.connections),
  });
  const budgetSeconds = parseDuration(spec.maxLag);
  const key = `${namespace}/${name}`;
  const result = lagStatusFor({
    allowance: deps.allowances.get(key),
    pattern: input.pattern,
    budgetSeconds,
    generation: input.generation,
    facts,
    current: input.status,
    now: deps.clock.now(),
  });
  deps.allowances.set(key, result.allowance);
  deps.metrics.observe({
    labels: { namespace, name, flow: spec.flow },
    budgetSeconds,
    result,
    heartbeat: facts.state?.heartbeat,
    runs: facts.state?.runs,
  });
  return result;
}
