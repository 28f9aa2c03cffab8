// The SyncFlowReplay controller: informers for replays, flows, connections and the replays' Jobs
// (label managed-by; the SyncFlow controller's own when both run in one process), mapped onto replay keys — a Job to its owning replay, a flow to the replays
// of its namespace that name it (a replay waiting for its flow starts when it appears) — and the
// replay reconciler behind one work queue. main.ts and the tests assemble it the same way.
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import { EventRecorder, jobs, managedBySelector, type KubeClient } from '../kube/client.ts';
import { Controller } from './controller.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { OperatorMetrics } from './metrics.ts';
import { keyOf, type Change } from './object-cache.ts';
import {
  replayReconciler,
  type ReplayCaches,
  type ReplayObjectInCache,
  type ReplayProgressReader,
} from './replay-reconcile.ts';
import { ReplayRegistry } from './replay-registry.ts';
import { syncFlowReplays } from './replay-resources.ts';
import type { SyncFlowObject } from './syncflow-reconcile.ts';
import { syncConnections, syncFlows } from './syncflow-resources.ts';
import { ownerKeys, primaryKeys } from './watch.ts';

export { syncFlowReplays } from './replay-resources.ts';
export type { ReplayProgressReader } from './replay-reconcile.ts';

export interface ReplayControllerOptions {
  client: KubeClient;
  log: Logger;
  metrics: OperatorMetrics;
  /** Only this namespace; all when empty. */
  namespace: string;
  image: string;
  instanceId: string;
  identity: string;
  progress?: ReplayProgressReader | undefined;
  clock?: Clock;
  /**
   * The SyncFlow controller's informers for flows, connections and Jobs, when it runs in the same
   * process: one watch and one cache of each kind instead of two. None: the replay controller
   * starts its own.
   */
  shared?: Pick<ReplayCaches, 'flows' | 'connections' | 'jobs'>;
}

export interface ReplayController {
  informers: Informer<never>[];
  controller: Controller;
}

function ownCaches(
  scope: Pick<InformerOptions, 'client' | 'log' | 'namespace' | 'clock'>,
): Pick<ReplayCaches, 'flows' | 'connections' | 'jobs'> {
  return {
    flows: new Informer<SyncFlowObject>({ ...scope, resource: syncFlows }),
    connections: new Informer({ ...scope, resource: syncConnections }),
    jobs: new Informer({ ...scope, resource: jobs, labelSelector: managedBySelector }),
  };
}

export function replayControllerFor(options: ReplayControllerOptions): ReplayController {
  const { client, log } = options;
  const clock = options.clock ?? systemClock;
  const scope = { client, log, namespace: options.namespace || undefined, clock };
  const replays = new Informer<ReplayObjectInCache>({ ...scope, resource: syncFlowReplays });
  const own = options.shared ? undefined : ownCaches(scope);
  const caches: ReplayCaches = { replays, ...(options.shared ?? own!) };
  const replaysOfFlow = (change: Change): string[] => {
    const namespace = change.object.metadata?.namespace;
    const name = change.object.metadata?.name;
    return caches.replays
      .list()
      .filter(
        (r) => r.metadata?.namespace === namespace && (r.spec as { flow?: string })?.flow === name,
      )
      .map((r) => keyOf(r));
  };
  const events = new EventRecorder({
    create: (resource, object) => client.create(resource, object),
    controller: 'syncflow.io/operator',
    instance: options.identity,
    clock,
    log,
  });
  const controller = new Controller({
    name: 'syncflowreplay',
    reconcile: replayReconciler({
      client,
      caches,
      registry: new ReplayRegistry(client),
      events,
      settings: { image: options.image, instanceId: options.instanceId },
      clock,
      progress: options.progress,
    }),
    log,
    metrics: options.metrics,
    // One at a time: each reconcile reads then writes its flow's handled-replay record.
    maxConcurrentReconciles: 1,
    clock,
  })
    .watches(caches.replays, primaryKeys())
    .watches(caches.jobs, ownerKeys({ group: syncFlowReplays.group, kind: syncFlowReplays.kind }))
    .watches(caches.flows, replaysOfFlow);
  const informers = [
    replays,
    ...(own ? [own.flows, own.connections, own.jobs] : []),
  ] as unknown as Informer<never>[];
  return { informers, controller };
}
