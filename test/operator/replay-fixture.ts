// What the SyncFlowReplay tests through the operator share: a control plane of their own with
// the local node in run mode (the flows' pods and the replays' Jobs really run the runtime), the
// SyncFlow operator under its own ServiceAccount, the replay controller with the operator's own
// progress reader, and the connections (Kafka, Redis, the Commerce double) in one namespace.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { SyncFlowReplayStatus } from '../../crds/replay.ts';
import {
  replayControllerFor,
  syncFlowReplays,
} from '../../operator/controller/replay-controller.ts';
import { Manager, OperatorMetrics } from '../../operator/controller/manager.ts';
import { createKubeClient, type KubeClient } from '../../operator/kube/client.ts';
import { ConnectionClients } from '../../operator/state/flow-state.ts';
import { replayProgressReader } from '../../operator/state/replay-progress.ts';
import { systemClock } from '../../operator/clock.ts';
import { installCrds, kubeConfigFrom } from '../api/api-server.ts';
import type { CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { startEnvironment } from '../env/start-environment.ts';
import { bearerToken } from '../runtime/runtime-fixture.ts';
import {
  adminClient,
  operatorServiceAccount,
  resourcesByKind,
  startSyncFlowOperator,
  testImage,
  type Manifest,
} from './syncflow-operator.ts';

export interface ReplayOperator {
  admin: KubeClient;
  /** Creates the object in the test's namespace. */
  create(object: Manifest): Promise<unknown>;
  replayStatusOf(name: string): Promise<SyncFlowReplayStatus | undefined>;
  stop(): Promise<void>;
}

async function createConnections(
  create: ReplayOperator['create'],
  shared: { kafkaBrokers: string[] | string; redisUrl: string },
  commerce: CommerceDouble,
): Promise<void> {
  await create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'commerce-token' },
    stringData: { token: bearerToken },
  } as Manifest);
  for (const connection of [
    { name: 'kafka', spec: { type: 'kafka', brokers: shared.kafkaBrokers } },
    { name: 'redis', spec: { type: 'redis', url: shared.redisUrl } },
    {
      name: 'commerce',
      spec: {
        type: 'commerce',
        url: commerce.url,
        auth: { bearer: { secretRef: { name: 'commerce-token' } } },
        commerce: { storeCode: 'all' },
      },
    },
  ])
    await create({
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncConnection',
      metadata: { name: connection.name },
      spec: connection.spec,
    });
}

function runReplayController(kubeconfig: string, namespace: string): () => Promise<void> {
  const registry = new Registry();
  const client = createKubeClient(kubeConfigFrom(kubeconfig), { registry });
  const log = pino({ level: process.env['OPERATOR_LOG'] ?? 'silent' });
  const replays = replayControllerFor({
    client,
    log,
    metrics: new OperatorMetrics(registry),
    namespace,
    image: testImage,
    instanceId: 'test',
    identity: 'test-operator',
    progress: replayProgressReader({
      clients: new ConnectionClients({ kube: client, log, clock: systemClock }),
      instanceId: 'test',
    }),
  });
  const manager = new Manager({ log }).add(...replays.informers, replays.controller);
  const abort = new AbortController();
  const done = manager.run(abort.signal);
  return async () => {
    abort.abort();
    await done;
  };
}

export async function startReplayOperator(options: {
  namespace: string;
  shared: { kafkaBrokers: string[] | string; redisUrl: string };
  commerce: CommerceDouble;
}): Promise<ReplayOperator> {
  const { namespace } = options;
  const env = await startEnvironment({ kube: true, node: 'run' });
  const kubeconfig = env.kubeconfig ?? '';
  await installCrds(kubeConfigFrom(kubeconfig));
  const admin = adminClient(kubeconfig);
  await admin.create(
    { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  );
  const access = await operatorServiceAccount(kubeconfig, env.runDir);
  const operator = startSyncFlowOperator({ kubeconfig: access.kubeconfig, namespace });
  const stopReplays = runReplayController(access.kubeconfig, namespace);
  const create: ReplayOperator['create'] = (object) =>
    admin.create(resourcesByKind[object.kind ?? ''] ?? syncFlowReplays, {
      ...object,
      metadata: { ...object.metadata, namespace },
    });
  await createConnections(create, options.shared, options.commerce);
  return {
    admin,
    create,
    replayStatusOf: async (name) =>
      (
        await admin.get<Manifest & { status?: SyncFlowReplayStatus }>(syncFlowReplays, {
          namespace,
          name,
        })
      )?.status,
    stop: async () => {
      await Promise.allSettled([stopReplays(), operator.stop()]);
      await env.stop();
    },
  };
}
