// The SyncFlowReplay reconciler, a fixed sequence: get the replay from the cache (gone → stop) →
// gather its flow, the namespace's connections, its Job, the handled-replay record and the
// runtime's progress → plan (pure) → remember the replay (before any Job exists) → create the
// Job → patch status only if it changed → record the phase's Event. The progress reader is
// optional: without it the status follows the Job alone.
import type { SyncFlowReplayStatus } from '../../crds/replay.ts';
import { apiVersion } from '../../crds/syncflow.ts';
import type { Clock } from '../clock.ts';
import {
  isConflict,
  jobs,
  type EventRecorder,
  type KubeClient,
  type KubernetesObject,
} from '../kube/client.ts';
import type { FlowObject, Manifest, ObservedConnection } from '../plan/plan.ts';
import {
  planReplay,
  replayIdOf,
  replayJobNameOf,
  replayStatusPatchFor,
  type ReplayPlan,
  type ReplayPlanInput,
} from '../plan/replay.ts';
import { syncFlowReplaySpecSchema, type SyncFlowReplaySpec } from '../../crds/replay.ts';
import type { Informer } from './informer.ts';
import type { ReconcileRequest, ReconcileResult, Reconciler } from './reconcile.ts';
import type { FlowRef, ReplayRegistry } from './replay-registry.ts';
import type { SyncFlowObject } from './syncflow-reconcile.ts';
import { syncFlowReplays } from './replay-resources.ts';

export interface ReplayObjectInCache extends KubernetesObject {
  spec?: unknown;
  status?: SyncFlowReplayStatus;
}

/** What the runtime wrote about one replay in the flow's Redis (the progress hash), if known. */
export type ReplayProgressReader = (target: {
  namespace: string;
  flow: string;
  /** The flow's spec.state.connection (its Redis). */
  stateConnection: string;
  replayId: string;
}) => Promise<Record<string, string> | undefined>;

export interface ReplayCaches {
  replays: Informer<ReplayObjectInCache>;
  flows: Informer<SyncFlowObject>;
  connections: Informer<KubernetesObject & { spec?: unknown }>;
  jobs: Informer;
}

export interface ReplayReconcilerDeps {
  client: Pick<KubeClient, 'create' | 'patchStatus'>;
  caches: ReplayCaches;
  registry: Pick<ReplayRegistry, 'read' | 'remember'>;
  events: Pick<EventRecorder, 'record'>;
  settings: { image: string; instanceId: string };
  clock: Clock;
  progress?: ReplayProgressReader | undefined;
}

function flowObjectOf(flow: SyncFlowObject, namespace: string): FlowObject {
  const meta = flow.metadata ?? {};
  return {
    metadata: {
      namespace,
      name: meta.name ?? '',
      uid: meta.uid ?? '',
      generation: meta.generation ?? 0,
    },
    spec: flow.spec,
  };
}

async function progressOf(
  deps: ReplayReconcilerDeps,
  target: {
    namespace: string;
    flow: SyncFlowObject | undefined;
    spec: SyncFlowReplaySpec;
    name: string;
  },
): Promise<Record<string, string> | undefined> {
  const state = (target.flow?.spec as { state?: { connection?: string } } | undefined)?.state;
  if (!deps.progress || !state?.connection) return undefined;
  return deps.progress({
    namespace: target.namespace,
    flow: target.spec.flow,
    stateConnection: state.connection,
    replayId: replayIdOf(target.name, target.spec),
  });
}

async function act(
  deps: ReplayReconcilerDeps,
  replay: ReplayObjectInCache,
  result: ReplayPlan,
  flowRef: FlowRef,
): Promise<void> {
  if (result.remember && result.id)
    await deps.registry.remember(flowRef, result.id, result.remember);
  if (result.job) {
    try {
      await deps.client.create(jobs, result.job as KubernetesObject);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  const key = { namespace: flowRef.namespace, name: replay.metadata?.name ?? '' };
  const patch = replayStatusPatchFor(replay.status, result.status);
  if (patch) await deps.client.patchStatus(syncFlowReplays, key, patch);
  if (result.event)
    await deps.events.record(
      { ...replay, apiVersion, kind: 'SyncFlowReplay' },
      { ...result.event, action: 'Replay', note: result.event.message },
    );
}

function replayOf(replay: ReplayObjectInCache, namespace: string): ReplayPlanInput['replay'] {
  const meta = replay.metadata ?? {};
  const base = { namespace, name: meta.name ?? '', uid: meta.uid ?? '', spec: replay.spec };
  return replay.status ? { ...base, status: replay.status } : base;
}

function connectionsOf(deps: ReplayReconcilerDeps, namespace: string): ObservedConnection[] {
  return deps.caches.connections
    .list()
    .filter((c) => c.metadata?.namespace === namespace)
    .map((c) => ({ name: c.metadata?.name ?? '', spec: c.spec }));
}

/** Everything the planner reads about a replay whose spec parses. */
async function inputFor(
  deps: ReplayReconcilerDeps,
  base: ReplayPlanInput,
  spec: SyncFlowReplaySpec,
): Promise<{ input: ReplayPlanInput; flowRef: FlowRef }> {
  const { namespace, name } = base.replay;
  const flow = deps.caches.flows.get(`${namespace}/${spec.flow}`);
  const flowRef = { namespace, name: spec.flow, uid: flow?.metadata?.uid };
  const job = deps.caches.jobs.get(`${namespace}/${replayJobNameOf(name, spec)}`);
  const handled = await deps.registry.read(flowRef, replayIdOf(name, spec));
  const progress = await progressOf(deps, { namespace, flow, spec, name });
  const input: ReplayPlanInput = { ...base, connections: connectionsOf(deps, namespace) };
  if (flow) input.flow = flowObjectOf(flow, namespace);
  if (job) input.job = job as Manifest;
  if (handled) input.handled = handled;
  if (progress) input.progress = progress;
  return { input, flowRef };
}

async function reconcileReplay(
  deps: ReplayReconcilerDeps,
  request: ReconcileRequest,
): Promise<ReconcileResult> {
  const replay = deps.caches.replays.get(request.key);
  const namespace = request.namespace ?? '';
  if (!replay || replay.metadata?.deletionTimestamp) return {};
  const base: ReplayPlanInput = {
    replay: replayOf(replay, namespace),
    connections: [],
    settings: deps.settings,
    now: deps.clock.now(),
  };
  const parsed = syncFlowReplaySpecSchema.safeParse(replay.spec);
  const { input, flowRef } = parsed.success
    ? await inputFor(deps, base, parsed.data)
    : { input: base, flowRef: { namespace, name: '' } };
  const result = planReplay(input);
  await act(deps, replay, result, flowRef);
  return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs };
}

export function replayReconciler(deps: ReplayReconcilerDeps): Reconciler {
  return (request) => reconcileReplay(deps, request);
}
