// The SyncFlow controller: informers for SyncFlows, SyncConnections, each child kind and the
// flows' pods (children and pods filtered by the managed-by label), mapped onto flow keys, and the
// reconciler behind one work queue; with lag measured, the lag loop (lag-loop.ts) as a second
// controller on the same caches. main.ts and the tests assemble it the same way.
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import {
  cronJobs,
  deployments,
  EventRecorder,
  jobs,
  managedBySelector,
  type KubeClient,
  type KubernetesObject,
} from '../kube/client.ts';
import { flowLabel } from '../plan/plan.ts';
import { Controller } from './controller.ts';
import { Informer, type InformerOptions } from './informer.ts';
import { childSummary, podStatusOnly } from './cache-transform.ts';
import { lagLoopKeys, lagLoopReconciler, type FlowLag } from './lag-loop.ts';
import type { LagRefreshDeps } from './lag-refresh.ts';
import type { OperatorMetrics } from './metrics.ts';
import { keyOf, type Change } from './object-cache.ts';
import {
  syncFlowReconciler,
  type SyncFlowCaches,
  type SyncFlowObject,
} from './syncflow-reconcile.ts';
import { childResources, pods, syncConnections, syncFlows } from './syncflow-resources.ts';
import { ownerKeys, primaryKeys, type KeyMapper } from './watch.ts';

export interface SyncFlowControllerOptions {
  client: KubeClient;
  log: Logger;
  metrics: OperatorMetrics;
  /** Only this namespace; all when empty. */
  namespace: string;
  image: string;
  instanceId: string;
  /** reportingInstance of the Events. */
  identity: string;
  maxConcurrentReconciles?: number;
  shutdownGracePeriodMs?: number;
  clock?: Clock;
  /** Lag and run outcomes: where to read them, the per-flow metrics, how often. None: not measured. */
  lag?: Omit<LagRefreshDeps, 'instanceId' | 'clock' | 'allowances'> & {
    refreshMs: number;
    /** Flows measured at once. Default: 4. */
    concurrency?: number;
  };
}

export interface SyncFlowController {
  informers: Informer<never>[];
  /** The SyncFlow controller. */
  controller: Controller;
  /** Every controller to run: the SyncFlow controller and, with lag measured, the lag loop. */
  controllers: Controller[];
  caches: SyncFlowCaches;
}

const workloadKinds = new Set([deployments.kind, cronJobs.kind, jobs.kind]);

/** A pod (or a CronJob's Job) belongs to the flow named by its label. */
function flowLabelKeys(change: Change): string[] {
  const flow = change.object.metadata?.labels?.[flowLabel];
  const namespace = change.object.metadata?.namespace;
  return flow && namespace ? [`${namespace}/${flow}`] : [];
}

const connectionNames = (spec: unknown): string[] => {
  const s = (spec ?? {}) as Record<
    string,
    { connection?: string; poll?: { connection?: string } } | undefined
  >;
  return [
    s['source']?.connection,
    s['source']?.poll?.connection,
    s['sink']?.connection,
    s['state']?.connection,
  ].filter((n): n is string => n !== undefined);
};

/** A connection change re-plans the flows of its namespace that name it. */
function connectionKeys(flows: Informer<SyncFlowObject>): KeyMapper {
  return (change) => {
    const namespace = change.object.metadata?.namespace;
    const name = change.object.metadata?.name ?? '';
    return flows
      .list()
      .filter((f) => f.metadata?.namespace === namespace && connectionNames(f.spec).includes(name))
      .map((f) => keyOf(f));
  };
}

function lagDepsFor(options: SyncFlowControllerOptions, clock: Clock): { lag?: FlowLag } {
  if (!options.lag) return {};
  const { instanceId } = options;
  const { reader, metrics, refreshMs } = options.lag;
  return {
    lag: {
      reader,
      metrics,
      refreshMs,
      instanceId,
      clock,
      allowances: new Map(),
      measured: new Map(),
    },
  };
}

function lagLoopFor(
  options: SyncFlowControllerOptions,
  {
    lag,
    caches,
    controller,
    clock,
  }: { lag: FlowLag; caches: SyncFlowCaches; controller: Controller; clock: Clock },
): Controller {
  const { log, metrics } = options;
  const loop = new Controller({
    name: 'syncflow-lag',
    reconcile: lagLoopReconciler({
      lag,
      flows: caches.flows,
      connections: caches.connections,
      reconcileFlow: (key) => controller.queue.add(key),
    }),
    log,
    metrics,
    maxConcurrentReconciles: options.lag?.concurrency ?? 4,
    objectLogKey: 'syncflow',
    ...(options.shutdownGracePeriodMs
      ? { shutdownGracePeriodMs: options.shutdownGracePeriodMs }
      : {}),
    clock,
  })
    .watches(caches.flows, lagLoopKeys)
    // A flow's lag moves when its workload or pods do (a consumer starting or stopping), never
    // with its ConfigMap or ServiceAccount.
    .watches(caches.pods, flowLabelKeys);
  for (const [kind, informer] of caches.children)
    if (workloadKinds.has(kind))
      loop.watches(informer, ownerKeys({ group: syncFlows.group, kind: syncFlows.kind }));
  return loop;
}

function cachesFor(
  scope: Pick<InformerOptions, 'client' | 'log' | 'namespace' | 'clock'>,
): SyncFlowCaches {
  const flows = new Informer<SyncFlowObject>({ ...scope, resource: syncFlows });
  const connections = new Informer<KubernetesObject & { spec?: unknown }>({
    ...scope,
    resource: syncConnections,
  });
  const children = new Map(
    childResources.map((resource) => [
      resource.kind,
      new Informer({
        ...scope,
        resource,
        labelSelector: managedBySelector,
        transform: childSummary,
      }),
    ]),
  );
  const podInformer = new Informer({
    ...scope,
    resource: pods,
    labelSelector: managedBySelector,
    transform: podStatusOnly,
  });
  return { flows, connections, children, pods: podInformer };
}

/** The caches the replay controller reads too: flows, connections and the Jobs. */
export function sharedWithReplays(
  caches: SyncFlowCaches,
): Pick<SyncFlowCaches, 'flows' | 'connections'> & { jobs: Informer } {
  const jobCache = caches.children.get(jobs.kind);
  if (!jobCache) throw new Error('the SyncFlow controller keeps no Job cache');
  return { flows: caches.flows, connections: caches.connections, jobs: jobCache };
}

export function syncFlowControllerFor(options: SyncFlowControllerOptions): SyncFlowController {
  const { client, log, namespace } = options;
  const clock = options.clock ?? systemClock;
  const caches = cachesFor({ client, log, namespace: namespace || undefined, clock });
  const { flows, connections, children, pods: podInformer } = caches;
  const events = new EventRecorder({
    create: (resource, object) => client.create(resource, object),
    controller: 'syncflow.io/operator',
    instance: options.identity,
    clock,
    log,
  });
  const { lag } = lagDepsFor(options, clock);
  const controller = new Controller({
    name: 'syncflow',
    reconcile: syncFlowReconciler({
      client,
      caches,
      events,
      settings: { image: options.image, instanceId: options.instanceId },
      clock,
      ...(lag ? { lag } : {}),
    }),
    log,
    metrics: options.metrics,
    maxConcurrentReconciles: options.maxConcurrentReconciles ?? 8,
    ...(options.shutdownGracePeriodMs
      ? { shutdownGracePeriodMs: options.shutdownGracePeriodMs }
      : {}),
    clock,
  })
    .watches(flows, primaryKeys())
    .watches(connections, connectionKeys(flows))
    .watches(podInformer, flowLabelKeys);
  const owned = ownerKeys({ group: syncFlows.group, kind: syncFlows.kind });
  for (const informer of children.values()) controller.watches(informer, owned);
  const informers = [
    flows,
    connections,
    ...children.values(),
    podInformer,
  ] as unknown as Informer<never>[];
  const controllers = lag
    ? [controller, lagLoopFor(options, { lag, caches, controller, clock })]
    : [controller];
  return { informers, controller, controllers, caches };
}
