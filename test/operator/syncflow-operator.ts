// Runs the SyncFlow operator in-process for integration tests, as the product runs it: the same
// controller assembly as main.ts, authenticated with the token of its own ServiceAccount bound to
// the RBAC the chart ships (charts/syncflow-operator/files/rbac), never as admin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { systemClock } from '../../operator/clock.ts';
import { FlowMetrics } from '../../operator/controller/flow-metrics.ts';
import { Manager, OperatorMetrics } from '../../operator/controller/manager.ts';
import { ConnectionClients, FlowStateReader } from '../../operator/state/flow-state.ts';
import {
  syncFlowControllerFor,
  type SyncFlowController,
} from '../../operator/controller/syncflow-controller.ts';
import { syncConnections, syncFlows } from '../../operator/controller/syncflow-resources.ts';
import {
  configMaps,
  createKubeClient,
  cronJobs,
  deployments,
  jobs,
  serviceAccounts,
  type KubeClient,
  type KubernetesObject,
  type ResourceType,
} from '../../operator/kube/client.ts';
import { kubeconfigForServiceAccount } from '../env/service-account.ts';
import { repositoryRoot, kubeConfigFrom } from '../api/api-server.ts';
import { uniqueName } from '../support/unique-name.ts';

export const testImage = 'ghcr.io/syncflow/syncflow:test';

const roles: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
};
const roleBindings: ResourceType = { ...roles, kind: 'RoleBinding', plural: 'rolebindings' };
const clusterRoles: ResourceType = {
  ...roles,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
};
const clusterRoleBindings: ResourceType = {
  ...roles,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
};
const namespaces: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const secrets: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};

export const resourcesByKind: Record<string, ResourceType> = {
  SyncFlow: syncFlows,
  SyncConnection: syncConnections,
  Secret: secrets,
  ConfigMap: configMaps,
  ServiceAccount: serviceAccounts,
  Deployment: deployments,
  CronJob: cronJobs,
  Job: jobs,
};

export function adminClient(kubeconfig: string): KubeClient {
  return createKubeClient(kubeConfigFrom(kubeconfig));
}

const rbacFile = (file: string): KubernetesObject =>
  parse(
    readFileSync(
      join(repositoryRoot, 'charts', 'syncflow-operator', 'files', 'rbac', file),
      'utf8',
    ),
  ) as KubernetesObject;

/**
 * Creates the operator's namespace and ServiceAccount, binds the shipped ClusterRole and the
 * leader-election Role to it, and writes a kubeconfig with its token. Returns that kubeconfig.
 */
export async function operatorServiceAccount(
  adminKubeconfig: string,
  runDir: string,
): Promise<{ kubeconfig: string; namespace: string }> {
  const admin = adminClient(adminKubeconfig);
  const namespace = uniqueName('op');
  const subject = { kind: 'ServiceAccount', name: 'syncflow-operator', namespace };
  await admin.create(namespaces, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await admin.create(serviceAccounts, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'syncflow-operator', namespace },
  });
  await admin.apply(clusterRoles, rbacFile('operator-clusterrole.yaml'));
  await admin.create(clusterRoleBindings, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `syncflow-operator-${namespace}` },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'syncflow-operator',
    },
    subjects: [subject],
  } as KubernetesObject);
  const role = rbacFile('leader-election-role.yaml');
  await admin.apply(roles, { ...role, metadata: { ...role.metadata, namespace } });
  await admin.create(roleBindings, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'syncflow-operator-leader-election', namespace },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'syncflow-operator-leader-election',
    },
    subjects: [subject],
  } as KubernetesObject);
  const path = join(runDir, `${namespace}.kubeconfig`);
  await kubeconfigForServiceAccount(
    adminKubeconfig,
    { namespace, name: 'syncflow-operator' },
    path,
  );
  return { kubeconfig: path, namespace };
}

export async function deleteOperatorServiceAccount(
  adminKubeconfig: string,
  namespace: string,
): Promise<void> {
  const admin = adminClient(adminKubeconfig);
  await admin.delete(clusterRoleBindings, { name: `syncflow-operator-${namespace}` });
  await admin.delete(namespaces, { name: namespace });
}

export interface RunningOperator extends SyncFlowController {
  client: KubeClient;
  registry: Registry;
  isIdle(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts the operator (no leader election: one replica) watching `namespace`. With `lag`, it
 * measures lag and run outcomes as main.ts wires it, every `refreshMs`.
 */
export function startSyncFlowOperator(options: {
  kubeconfig: string;
  namespace: string;
  image?: string;
  instanceId?: string;
  lag?: { refreshMs: number };
}): RunningOperator {
  const log = pino({ level: process.env['OPERATOR_LOG'] ?? 'silent' });
  const registry = new Registry();
  const metrics = new OperatorMetrics(registry);
  const client = createKubeClient(kubeConfigFrom(options.kubeconfig), { registry });
  const clients = new ConnectionClients({ kube: client, log, clock: systemClock });
  const lag = options.lag && {
    reader: new FlowStateReader({ clients }),
    metrics: new FlowMetrics(registry),
    refreshMs: options.lag.refreshMs,
  };
  const assembled = syncFlowControllerFor({
    client,
    log,
    metrics,
    namespace: options.namespace,
    image: options.image ?? testImage,
    instanceId: options.instanceId ?? 'test',
    identity: 'test-operator',
    maxConcurrentReconciles: 4,
    ...(lag ? { lag } : {}),
  });
  const manager = new Manager({ log }).add(...assembled.informers, ...assembled.controllers);
  const abort = new AbortController();
  const done = manager.run(abort.signal);
  return {
    ...assembled,
    client,
    registry,
    isIdle: () =>
      assembled.controller.queue.len() === 0 && assembled.controller.longestRunningMs() === 0,
    stop: async () => {
      abort.abort();
      await done;
      await clients.close();
    },
  };
}

export interface Manifest extends KubernetesObject {
  spec?: Record<string, unknown>;
}

const examplesDir = join(repositoryRoot, 'examples', 'acme-distributor');

/** Every object of an example file (connections.yaml, secrets.yaml, flow-*.yaml). */
export function exampleObjects(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8')).map(
    (d) => d.toJS() as Manifest,
  );
}

/** Creates `objects` in `namespace` as admin (a user applying YAML). */
export async function createAll(
  admin: KubeClient,
  namespace: string,
  objects: readonly Manifest[],
): Promise<void> {
  for (const object of objects) {
    const resource = resourcesByKind[object.kind ?? ''];
    if (!resource) throw new Error(`no resource for ${object.kind}`);
    await admin.create(resource, { ...object, metadata: { ...object.metadata, namespace } });
  }
}
