// The demo's Kubernetes side: the CRDs, a namespace, the operator's ServiceAccount bound to the
// chart's RBAC (the operator never runs as admin), the overlaid example objects, and the flows'
// statuses for the table.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { SyncFlowStatus } from '../crds/syncflow.ts';
import { pods, syncFlows } from '../operator/controller/syncflow-resources.ts';
import { flowLabel } from '../operator/plan/parts/labels.ts';
import { installCrds, kubeConfigFrom, repositoryRoot } from '../test/api/api-server.ts';
import {
  adminClient,
  deleteOperatorServiceAccount,
  operatorServiceAccount,
  resourcesByKind,
} from '../test/operator/syncflow-operator.ts';
import type { PodFacts } from './initial-sync.ts';
import type { Manifest } from './overlay.ts';

const examplesDir = join(repositoryRoot, 'examples', 'acme-distributor');

export function exampleObjects(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8')).map(
    (d) => d.toJS() as Manifest,
  );
}

export const exampleFlowFiles = [
  'flow-inventory-fast.yaml',
  'flow-inventory-slow.yaml',
  'flow-pricing-contract.yaml',
  'flow-pricing-promo.yaml',
  'flow-credit.yaml',
  'flow-customer-company.yaml',
  'flow-customer-address.yaml',
  'flow-catalog-products.yaml',
  'flow-order-status-shipments.yaml',
  'flow-orders.yaml',
];

const priorityClasses = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  namespaced: false,
};

export interface DemoCluster {
  /** Kubeconfig of the operator's ServiceAccount. */
  operatorKubeconfig: string;
  apply(objects: readonly Manifest[]): Promise<void>;
  statuses(): Promise<Map<string, SyncFlowStatus | undefined>>;
  /** The flows' pods, by flow name: what tells when each initial sync ended. */
  podsByFlow(): Promise<Map<string, PodFacts[]>>;
  /** Removes what the demo created (namespaces, binding); the CRDs stay. */
  remove(): Promise<void>;
}

export async function prepareCluster(
  kubeconfig: string,
  namespace: string,
  workDir: string,
): Promise<DemoCluster> {
  await installCrds(kubeConfigFrom(kubeconfig));
  const admin = adminClient(kubeconfig);
  await admin.create(
    { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  );
  // The orders flow asks for the priority class a platform team creates once per cluster.
  await admin
    .create(priorityClasses, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'syncflow-critical' },
      value: 1_000_000,
      description: 'SyncFlow flows that must not wait: orders, credit.',
    } as never)
    .catch((err: unknown) => {
      if ((err as { code?: number }).code !== 409) throw err;
    });
  const access = await operatorServiceAccount(kubeconfig, workDir);
  return {
    operatorKubeconfig: access.kubeconfig,
    apply: async (objects) => {
      for (const o of objects) {
        const resource = resourcesByKind[o.kind ?? ''];
        if (!resource) throw new Error(`the demo cannot apply a ${o.kind}`);
        await admin.create(resource, { ...o, metadata: { ...o.metadata, namespace } } as never);
      }
    },
    statuses: async () => {
      const list = await admin.list<Manifest & { status?: SyncFlowStatus }>(syncFlows, {
        namespace,
      });
      return new Map(list.items.map((f) => [f.metadata?.name ?? '', f.status]));
    },
    podsByFlow: async () => {
      const list = await admin.list<PodManifest>(pods, { namespace });
      const out = new Map<string, PodFacts[]>();
      for (const pod of list.items) {
        const flow = pod.metadata?.labels?.[flowLabel];
        if (flow !== undefined) out.set(flow, [...(out.get(flow) ?? []), factsOf(pod)]);
      }
      return out;
    },
    remove: async () => {
      await admin.delete(
        { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
        { name: namespace },
      );
      await deleteOperatorServiceAccount(kubeconfig, access.namespace);
    },
  };
}

interface PodManifest {
  metadata?: { labels?: Record<string, string> };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { state?: { terminated?: { exitCode?: number; finishedAt?: string } } }[];
  };
}

const msOf = (time: string | undefined): number | undefined =>
  time === undefined ? undefined : Date.parse(time);

function factsOf(pod: PodManifest): PodFacts {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  const ends = (pod.status?.containerStatuses ?? []).map((c) =>
    msOf(c.state?.terminated?.finishedAt),
  );
  return {
    phase: pod.status?.phase,
    finishedAtMs: ends.find((t) => t !== undefined),
    readySinceMs: msOf(ready?.lastTransitionTime),
  };
}
