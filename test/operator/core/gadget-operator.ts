// A test operator on the generic core: primary kind `Gadget` (a tiny CRD with a status
// subresource), child kind ConfigMap. Its reconciler server-side-applies one child ConfigMap per
// Gadget (controller owner reference, managed-by label) and patches status only when it changed,
// like the SyncFlow reconciler will. Counts reconciles per key so tests can assert on them.
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { expect } from 'vitest';
import {
  Controller,
  Informer,
  LeaderElector,
  Manager,
  OperatorMetrics,
  ownerKeys,
  primaryKeys,
  type Reconciler,
} from '../../../operator/controller/manager.ts';
import {
  ApiException,
  configMaps,
  createKubeClient,
  managedByLabel,
  managedBySelector,
  fieldManager,
  apiVersionOf,
  type KubeClient,
  type KubernetesObject,
  type ResourceType,
} from '../../../operator/kube/client.ts';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { eventually } from '../../support/eventually.ts';

export const gadgets: ResourceType = {
  group: 'core.test.syncflow.io',
  version: 'v1',
  kind: 'Gadget',
  plural: 'gadgets',
  namespaced: true,
};

export interface Gadget extends KubernetesObject {
  spec: { size: number };
  status?: { observedGeneration?: number; child?: string; size?: number; note?: string };
}

export interface ConfigMap extends KubernetesObject {
  data?: Record<string, string>;
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${gadgets.plural}.${gadgets.group}` },
  spec: {
    group: gadgets.group,
    scope: 'Namespaced',
    names: { plural: gadgets.plural, singular: 'gadget', kind: gadgets.kind },
    versions: [
      {
        name: gadgets.version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: {
                type: 'object',
                properties: {
                  observedGeneration: { type: 'integer' },
                  child: { type: 'string' },
                  size: { type: 'integer' },
                  note: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

export function kubeConfigFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export async function ensureGadgetCrd(kc: KubeConfig): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  await ext.createCustomResourceDefinition({ body: crd }).catch((err: unknown) => {
    if (!(err instanceof ApiException && err.code === 409)) throw err;
  });
  await eventually(async () => {
    const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
    expect(got.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
  });
}

export async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

export function gadgetFor(namespace: string, name: string, size: number): Gadget {
  return {
    apiVersion: apiVersionOf(gadgets),
    kind: gadgets.kind,
    metadata: { name, namespace },
    spec: { size },
  };
}

export const childName = (gadget: string): string => `${gadget}-child`;

function childFor(gadget: Gadget): ConfigMap {
  const meta = gadget.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: childName(meta.name ?? ''),
      namespace: meta.namespace ?? '',
      labels: { [managedByLabel]: fieldManager },
      ownerReferences: [
        {
          apiVersion: apiVersionOf(gadgets),
          kind: gadgets.kind,
          name: meta.name ?? '',
          uid: meta.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data: { size: String(gadget.spec.size) },
  };
}

export function gadgetReconciler(
  client: KubeClient,
  cache: Informer<Gadget>,
  reconciles: Map<string, number>,
): Reconciler {
  return async (request) => {
    reconciles.set(request.key, (reconciles.get(request.key) ?? 0) + 1);
    const gadget = cache.get(request.key);
    if (!gadget) return {};
    const child = childFor(gadget);
    await client.apply(configMaps, child);
    const status = {
      observedGeneration: gadget.metadata?.generation,
      child: child.metadata?.name,
      size: gadget.spec.size,
    };
    const current = gadget.status ?? {};
    const changed = Object.entries(status).some(
      ([k, v]) => current[k as keyof typeof status] !== v,
    );
    if (changed) await client.patchStatus(gadgets, request, status);
    return {};
  };
}

export interface TestOperatorOptions {
  kubeconfig: string;
  namespace: string;
  leaderElection?: {
    leaseName: string;
    identity: string;
    releaseOnCancel: boolean;
    onLost?: () => void;
  };
  log?: Logger;
}

export interface TestOperator {
  client: KubeClient;
  manager: Manager;
  controller: Controller;
  primary: Informer<Gadget>;
  children: Informer<ConfigMap>;
  elector: LeaderElector | undefined;
  reconciles: Map<string, number>;
  registry: Registry;
  /** Resolves when the manager has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function startTestOperator(options: TestOperatorOptions): TestOperator {
  const log = options.log ?? pino({ level: process.env['OPCORE_LOG'] ?? 'silent' });
  const registry = new Registry();
  const metrics = new OperatorMetrics(registry);
  const client = createKubeClient(kubeConfigFrom(options.kubeconfig), { registry });
  const { namespace } = options;
  const primary = new Informer<Gadget>({ client, resource: gadgets, namespace, log });
  const children = new Informer<ConfigMap>({
    client,
    resource: configMaps,
    namespace,
    labelSelector: managedBySelector,
    log,
  });
  const reconciles = new Map<string, number>();
  const controller = new Controller({
    name: 'gadget',
    reconcile: gadgetReconciler(client, primary, reconciles),
    log,
    metrics,
    maxConcurrentReconciles: 2,
  })
    .watches(primary, primaryKeys())
    .watches(children, ownerKeys({ group: gadgets.group, kind: gadgets.kind }));
  const le = options.leaderElection;
  const elector = le
    ? new LeaderElector({
        leases: client.api(CoordinationV1Api),
        namespace,
        name: le.leaseName,
        identity: le.identity,
        releaseOnCancel: le.releaseOnCancel,
        onLost: le.onLost ?? (() => undefined),
        log,
        metrics,
      })
    : undefined;
  const manager = new Manager({ log, leaderElector: elector }).add(primary, children, controller);
  const abort = new AbortController();
  const done = manager.run(abort.signal);
  return {
    client,
    manager,
    controller,
    primary,
    children,
    elector,
    reconciles,
    registry,
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
