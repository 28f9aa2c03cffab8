// The SyncFlow reconciler: a fixed sequence. Get the flow from the cache (gone → stop) → gather
// its connections, children and pods from the caches → plan → server-side apply each changed child
// → delete children no longer wanted → plan the status again with the apply's answers (a CronJob
// is scheduled as soon as it is applied, so a new flow needs one status write, not two) → patch
// status only if it changed → record transition Events. A flow that cannot be planned gets Stalled
// in its status and a TerminalError: no retry until the flow (or a connection) changes. With lag
// measured (lag-loop.ts reads; it requeues the flow when the status should change), the same
// status patch carries the latest lag and run outcome: no I/O beyond the apiserver here.
import { apiVersion } from '../../crds/syncflow.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import type { Clock } from '../clock.ts';
import { TerminalError } from '../errors.ts';
import type { EventRecorder, KubeClient, KubernetesObject } from '../kube/client.ts';
import {
  flowLabel,
  plan,
  statusAfter,
  transitionsOf,
  statusPatchFor,
  type Manifest,
  type OperatorSettings,
  type Plan,
} from '../plan/plan.ts';
import type { Informer } from './informer.ts';
import { forgetFlowLag, type FlowLag } from './lag-loop.ts';
import { lagStatusOf } from './lag-refresh.ts';
import type {
  ReconcileContext,
  ReconcileRequest,
  ReconcileResult,
  Reconciler,
} from './reconcile.ts';
import { resourceOfKind, syncFlows } from './syncflow-resources.ts';

export interface SyncFlowObject extends KubernetesObject {
  spec?: unknown;
  status?: SyncFlowStatus;
}

export interface SyncFlowCaches {
  flows: Informer<SyncFlowObject>;
  connections: Informer<KubernetesObject & { spec?: unknown }>;
  /** One informer per child kind (label managed-by), keyed by kind. */
  children: ReadonlyMap<string, Informer>;
  pods: Informer;
}

export interface SyncFlowReconcilerDeps {
  client: Pick<KubeClient, 'apply' | 'delete' | 'patchStatus'>;
  caches: SyncFlowCaches;
  events: Pick<EventRecorder, 'record'>;
  settings: OperatorSettings;
  clock: Clock;
  /** The lag loop's latest facts per flow; none when lag is not measured. */
  lag?: FlowLag;
}

const possibleChildNames = (name: string): [string, string][] => [
  ['ConfigMap', `${name}-config`],
  ['ServiceAccount', name],
  ['Deployment', name],
  ['CronJob', name],
  ['CronJob', `${name}-sweep`],
  ['Job', `${name}-initial-sync`],
];

function isControlledBy(object: KubernetesObject | undefined, uid: string | undefined): boolean {
  const owner = object?.metadata?.ownerReferences?.find((r) => r.controller === true);
  return owner !== undefined && owner.uid === uid;
}

/** The flow's children: every deterministic name, if its controller owner is this flow. */
function childrenOf(caches: SyncFlowCaches, namespace: string, flow: SyncFlowObject): Manifest[] {
  const found: Manifest[] = [];
  for (const [kind, name] of possibleChildNames(flow.metadata?.name ?? '')) {
    const object = caches.children.get(kind)?.get(`${namespace}/${name}`);
    if (object && isControlledBy(object, flow.metadata?.uid))
      found.push({ ...(object as Manifest), kind });
  }
  return found;
}

function podsOf(caches: SyncFlowCaches, namespace: string, name: string): Manifest[] {
  return caches.pods
    .list()
    .filter(
      (p) => p.metadata?.namespace === namespace && p.metadata.labels?.[flowLabel] === name,
    ) as Manifest[];
}

/** The flow's children with what this reconcile applied and deleted. */
function afterApply(observed: readonly Manifest[], applied: readonly Manifest[], plan: Plan) {
  const ref = (m: { kind?: string | undefined; metadata?: { name?: string } | undefined }) =>
    `${m.kind ?? ''}/${m.metadata?.name ?? ''}`;
  const gone = new Set(plan.prune.map((p) => `${p.kind}/${p.name}`));
  const byRef = new Map(observed.map((c) => [ref(c), c]));
  for (const child of applied) byRef.set(ref(child), child);
  return [...byRef.values()].filter((c) => !gone.has(ref(c)));
}

function planFor(deps: SyncFlowReconcilerDeps, namespace: string, flow: SyncFlowObject): Plan {
  const { caches } = deps;
  const meta = flow.metadata ?? {};
  const connections = caches.connections
    .list()
    .filter((c) => c.metadata?.namespace === namespace)
    .map((c) => ({ name: c.metadata?.name ?? '', spec: c.spec }));
  return plan({
    flow: {
      metadata: {
        namespace,
        name: meta.name ?? '',
        uid: meta.uid ?? '',
        generation: meta.generation ?? 0,
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
      },
      spec: flow.spec,
    },
    connections,
    children: childrenOf(caches, namespace, flow),
    pods: podsOf(caches, namespace, meta.name ?? ''),
    settings: deps.settings,
    now: deps.clock.now(),
  });
}

async function recordTransitions(
  deps: SyncFlowReconcilerDeps,
  flow: SyncFlowObject,
  result: Plan,
): Promise<void> {
  const regarding = { ...flow, apiVersion, kind: 'SyncFlow' };
  await Promise.all(
    transitionsOf(flow.status, result).map((event) => deps.events.record(regarding, event)),
  );
}

/** Kinds that start pods as soon as they exist; a CronJob starts none before its schedule. */
const podStartingKinds = new Set(['Deployment', 'Job']);

/**
 * Children in two rounds, each in parallel: what pods need (ConfigMap, ServiceAccount) first,
 * so a workload never starts pods that wait for them; then what starts pods at once (a CronJob
 * goes with the first round: one round trip less for a new flow); then what is pruned.
 */
async function applyChildren(
  deps: SyncFlowReconcilerDeps,
  namespace: string,
  { apply: children, prune }: Plan,
): Promise<Manifest[]> {
  const apply = async (child: Plan['apply'][number]): Promise<Manifest> => {
    const kind = child.kind ?? '';
    const answer = await deps.client.apply(resourceOfKind(kind), child as KubernetesObject);
    return { ...(answer as Manifest), kind };
  };
  const first = await Promise.all(
    children.filter((c) => !podStartingKinds.has(c.kind ?? '')).map(apply),
  );
  const second = await Promise.all(
    children.filter((c) => podStartingKinds.has(c.kind ?? '')).map(apply),
  );
  for (const ref of prune)
    await deps.client.delete(resourceOfKind(ref.kind), { namespace, name: ref.name });
  return [...first, ...second];
}

/** The status once `patch` (a JSON merge patch of status, null = remove) is applied. */
function patched(status: SyncFlowStatus | undefined, patch: Record<string, unknown> | undefined) {
  if (!patch) return status;
  const next: Record<string, unknown> = { ...status };
  for (const [field, value] of Object.entries(patch))
    if (value === null) delete next[field];
    else next[field] = value;
  return next as SyncFlowStatus;
}

/** The reconcile's own status patch plus the lag's, from the lag loop's latest facts. */
function statusPatchWithLag(
  deps: SyncFlowReconcilerDeps,
  request: ReconcileRequest,
  flow: SyncFlowObject,
  result: Plan,
): Record<string, unknown> | undefined {
  const owned = statusPatchFor(flow.status, result.status, deps.clock.now());
  const pattern = result.status.pattern;
  const measured = deps.lag?.measured.get(request.key);
  if (!deps.lag || result.stalled || !measured || measured.pattern !== pattern) return owned;
  const lag = lagStatusOf(
    deps.lag,
    {
      namespace: request.namespace ?? '',
      name: request.name,
      generation: flow.metadata?.generation,
      spec: flow.spec,
      pattern,
      status: patched(flow.status, owned),
    },
    measured.facts,
    { commit: true },
  );
  return lag?.patch ? { ...owned, ...lag.patch } : owned;
}

/** The plan with the status as the apply left the children (the answers, not the cache). */
function replanned(
  deps: SyncFlowReconcilerDeps,
  namespace: string,
  flow: SyncFlowObject,
  { planned, applied }: { planned: Plan; applied: readonly Manifest[] },
): Plan {
  if (planned.stalled || (applied.length === 0 && planned.prune.length === 0)) return planned;
  const children = afterApply(childrenOf(deps.caches, namespace, flow), applied, planned);
  const pods = podsOf(deps.caches, namespace, flow.metadata?.name ?? '');
  return { ...planned, ...statusAfter(planned, { children, pods }) };
}

async function reconcileFlow(
  deps: SyncFlowReconcilerDeps,
  request: ReconcileRequest,
  context: ReconcileContext,
): Promise<ReconcileResult> {
  const flow = deps.caches.flows.get(request.key);
  const namespace = request.namespace ?? '';
  if (!flow || flow.metadata?.deletionTimestamp) {
    if (deps.lag) forgetFlowLag(deps.lag, request.key, namespace, request.name);
    return {};
  }
  const planned = planFor(deps, namespace, flow);
  const applied = await applyChildren(deps, namespace, planned);
  const result = replanned(deps, namespace, flow, { planned, applied });
  const patch = statusPatchWithLag(deps, request, flow, result);
  if (patch) {
    await deps.client.patchStatus(syncFlows, request, patch);
    // Like client-go's event broadcaster: events never hold the reconcile (record never rejects).
    void recordTransitions(deps, flow, result);
  }
  context.log.debug(
    {
      applied: result.apply.length,
      pruned: result.prune.length,
      statusChanged: patch !== undefined,
      ready: result.ready,
    },
    'planned',
  );
  if (result.stalled)
    throw new TerminalError(`SyncFlow ${request.key} is stalled: ${result.stalled.message}`);
  return {};
}

export function syncFlowReconciler(deps: SyncFlowReconcilerDeps): Reconciler {
  return (request, context) => reconcileFlow(deps, request, context);
}
