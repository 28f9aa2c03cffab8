// The lag step of a SyncFlow: read the flow's facts from its Redis and Kafka (readLagFacts, the
// only I/O), turn them into the lag and run part of the status (lagStatusOf, operator/lag/) and
// the flow's metrics (observeLag). The lag loop (lag-loop.ts) reads; the SyncFlow reconcile turns
// the latest facts into its status patch when the throttle allows one. A flow whose state cannot
// be read gets a LagWithinBudget=Unknown message instead of an error.
import { syncConnectionSpecSchema, type SyncConnectionSpec } from '../../crds/connection.ts';
import {
  parseDuration,
  syncFlowSpecSchema,
  type SyncFlowSpec,
  type Pattern,
  type SyncFlowStatus,
} from '../../crds/syncflow.ts';
import type { Clock } from '../clock.ts';
import { parseOnce } from '../plan/parse-once.ts';
import { choosePattern, patternInputFor } from '../plan/pattern.ts';
import type { KubernetesObject } from '../kube/client.ts';
import {
  lagStatusFor,
  type FlowFacts,
  type LagStatusResult,
  type WriteAllowance,
} from '../lag/lag-status.ts';
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
    const spec = parsedOnce(syncConnectionSpecSchema, c.spec);
    if (spec) specs.set(c.metadata.name ?? '', spec);
  }
  return specs;
}

function parsedOnce<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  spec: unknown,
): T | undefined {
  const parsed = parseOnce(schema, spec);
  return parsed.success ? parsed.data : undefined;
}

const parsedSpec = (spec: unknown): SyncFlowSpec | undefined =>
  parsedOnce(syncFlowSpecSchema, spec);

/** The pattern the plan chooses for a spec; undefined when the flow cannot be planned. */
export function patternPlannedFor(spec: unknown): Pattern | undefined {
  const parsed = parsedSpec(spec);
  if (!parsed) return undefined;
  const choice = choosePattern(patternInputFor(parsed));
  return choice.stalled ? undefined : choice.pattern;
}

/** The facts of one flow read from its Redis and Kafka, and the pattern they were read for. */
export interface MeasuredFacts {
  pattern: Pattern;
  facts: FlowFacts;
}

/** Reads a flow's facts (I/O); undefined when the spec does not parse (the plan says Stalled). */
export async function readLagFacts(
  deps: Pick<LagRefreshDeps, 'reader' | 'instanceId'>,
  input: Pick<LagRefreshInput, 'namespace' | 'name' | 'spec' | 'pattern' | 'connections'>,
): Promise<MeasuredFacts | undefined> {
  const spec = parsedSpec(input.spec);
  if (!spec) return undefined;
  const { namespace, name } = input;
  const kafka = spec.source.kafka;
  const facts = await deps.reader.read({
    flow: { instanceId: deps.instanceId, namespace, name },
    pattern: input.pattern,
    stateConnection: spec.state.connection,
    kafka: kafka ? { connection: spec.source.connection, topic: kafka.topic } : undefined,
    connections: connectionSpecs(namespace, input.connections),
  });
  return { pattern: input.pattern, facts };
}

/**
 * The lag and run part of the status from facts already read. `commit` keeps the flow's write
 * allowance (the status patch is going to be written); without it this only looks.
 */
export function lagStatusOf(
  deps: Pick<LagRefreshDeps, 'clock' | 'allowances'>,
  input: Omit<LagRefreshInput, 'connections'>,
  facts: FlowFacts,
  options: { commit: boolean },
): LagStatusResult | undefined {
  const spec = parsedSpec(input.spec);
  if (!spec) return undefined;
  const key = `${input.namespace}/${input.name}`;
  const result = lagStatusFor({
    allowance: deps.allowances.get(key),
    pattern: input.pattern,
    budgetSeconds: parseDuration(spec.maxLag),
    generation: input.generation,
    facts,
    current: input.status,
    now: deps.clock.now(),
  });
  if (options.commit) deps.allowances.set(key, result.allowance);
  return result;
}

/** Exports a measurement as the flow's metrics. */
export function observeLag(
  deps: Pick<LagRefreshDeps, 'metrics'>,
  input: Pick<LagRefreshInput, 'namespace' | 'name' | 'spec'>,
  facts: FlowFacts,
  result: LagStatusResult,
): void {
  const spec = parsedSpec(input.spec);
  if (!spec) return;
  deps.metrics.observe({
    labels: { namespace: input.namespace, name: input.name, flow: spec.flow },
    budgetSeconds: parseDuration(spec.maxLag),
    result,
    heartbeat: facts.state?.heartbeat,
    runs: facts.state?.runs,
  });
}

/** Read, status and metrics in one step; undefined when the spec does not parse. */
export async function refreshLag(
  deps: LagRefreshDeps,
  input: LagRefreshInput,
): Promise<LagStatusResult | undefined> {
  const measured = await readLagFacts(deps, input);
  if (!measured) return undefined;
  const result = lagStatusOf(deps, input, measured.facts, { commit: true });
  if (result) observeLag(deps, input, measured.facts, result);
  return result;
}
