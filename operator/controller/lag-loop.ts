// The lag loop: its own work queue and workers measure each planned SyncFlow every `refreshMs`
// and when its workload or pods change, apart from the SyncFlow reconcile. Reads from a flow's Redis and Kafka (up to their deadline
// when those are away) never hold a reconcile worker, and a burst of new flows does not wait for
// them: a new flow is read as it appears, beside its first reconcile, which takes the facts if they
// are there by its status patch (else the next refresh hands them over). The loop
// keeps the latest facts per flow, exports them as metrics and, when the status would change
// (conditions at once, numbers as the per-flow throttle allows), hands the flow to the SyncFlow
// queue: the reconcile writes the lag with its own status patch, so one writer per flow remains.
import type { Pattern, SyncFlowStatus } from '../../crds/syncflow.ts';
import type { KubernetesObject } from '../kube/client.ts';
import type { Informer } from './informer.ts';
import {
  lagStatusOf,
  observeLag,
  patternPlannedFor,
  readLagFacts,
  type LagRefreshDeps,
  type MeasuredFacts,
} from './lag-refresh.ts';
import { keyOf, type Change } from './object-cache.ts';
import type { ReconcileRequest, Reconciler } from './reconcile.ts';

/** A SyncFlow as the informer keeps it (syncflow-reconcile.ts's SyncFlowObject). */
type SyncFlowObject = KubernetesObject & { spec?: unknown; status?: SyncFlowStatus };

/** What the lag loop and the SyncFlow reconcile share. */
export interface FlowLag extends LagRefreshDeps {
  refreshMs: number;
  /** The latest facts of each flow (`namespace/name`). */
  measured: Map<string, MeasuredFacts>;
}

export interface LagLoopDeps {
  lag: FlowLag;
  flows: Pick<Informer<SyncFlowObject>, 'get'>;
  connections: Pick<Informer<KubernetesObject & { spec?: unknown }>, 'list'>;
  /** Adds a flow to the SyncFlow controller's queue. */
  reconcileFlow: (key: string) => void;
}

/** A flow enters the lag loop when it appears and leaves when it is deleted. */
export function lagLoopKeys(change: Change): string[] {
  return change.type === 'modified' ? [] : [keyOf(change.object)];
}

const isStalled = (flow: SyncFlowObject): boolean =>
  flow.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false;

/** Forgets a deleted flow's facts, write allowance and metrics. */
export function forgetFlowLag(lag: FlowLag, key: string, namespace: string, name: string): void {
  lag.measured.delete(key);
  lag.allowances.delete(key);
  lag.metrics.forget(namespace, name);
}

/** Reads a flow's facts for `pattern` and keeps them for the reconcile's status patch. */
async function readAndKeep(
  deps: LagLoopDeps,
  request: ReconcileRequest,
  flow: SyncFlowObject,
  pattern: Pattern,
): Promise<MeasuredFacts | undefined> {
  const measured = await readLagFacts(deps.lag, {
    namespace: request.namespace ?? '',
    name: request.name,
    spec: flow.spec,
    pattern,
    connections: deps.connections.list(),
  });
  if (measured) deps.lag.measured.set(request.key, measured);
  return measured;
}

/** Reads a planned flow's facts, keeps them, exports them; true when the status should change. */
async function measure(
  deps: LagLoopDeps,
  request: ReconcileRequest,
  flow: SyncFlowObject,
  pattern: Pattern,
): Promise<boolean> {
  const measured = await readAndKeep(deps, request, flow, pattern);
  if (!measured) return false;
  const { lag } = deps;
  const input = {
    namespace: request.namespace ?? '',
    name: request.name,
    spec: flow.spec,
    pattern,
  };
  const status = { ...input, generation: flow.metadata?.generation, status: flow.status };
  const result = lagStatusOf(lag, status, measured.facts, { commit: false });
  if (!result) return false;
  observeLag(lag, input, measured.facts, result);
  return result.decision === 'now';
}

/**
 * A new flow is read while its first reconcile runs, for the pattern the plan will choose: the
 * facts are kept for that reconcile's status patch (its first status carries the lag, and no second
 * write follows one refresh later). The flow is not handed over: its first reconcile is queued.
 */
async function measureBeforePlan(
  deps: LagLoopDeps,
  request: ReconcileRequest,
  flow: SyncFlowObject,
): Promise<void> {
  const pattern = patternPlannedFor(flow.spec);
  if (pattern) await readAndKeep(deps, request, flow, pattern);
}

export function lagLoopReconciler(deps: LagLoopDeps): Reconciler {
  const { lag } = deps;
  return async (request) => {
    const flow = deps.flows.get(request.key);
    if (!flow || flow.metadata?.deletionTimestamp) {
      forgetFlowLag(lag, request.key, request.namespace ?? '', request.name);
      return {};
    }
    // Stalled: nothing runs, so there is nothing to measure.
    if (isStalled(flow)) return { requeueAfterMs: lag.refreshMs };
    const pattern = flow.status?.pattern;
    if (!pattern) await measureBeforePlan(deps, request, flow);
    else if (await measure(deps, request, flow, pattern)) deps.reconcileFlow(request.key);
    return { requeueAfterMs: lag.refreshMs };
  };
}
