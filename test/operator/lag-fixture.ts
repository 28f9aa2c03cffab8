// Objects of a flow whose lag the tests measure: the Commerce token Secret, kafka/redis/commerce
// (and optionally ERP) SyncConnections pointing at the test's real components, and the SyncFlow;
// plus a reader of the operator's per-flow metrics.
import type { Registry } from 'prom-client';
import type { Manifest } from './syncflow-operator.ts';

export interface LagFlowOptions {
  name: string;
  kafkaBrokers: string[];
  redisUrl: string;
  commerceUrl: string;
  source: Record<string, unknown>;
  maxLag: string;
  fields?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** More connections, e.g. the ERP of a poll flow. */
  connections?: Manifest[];
}

const inventoryFields = {
  sku: { path: 'sku', type: 'string' },
  sourceCode: { path: 'warehouse', type: 'string' },
  quantity: { path: 'onHand', type: 'number' },
  version: { path: 'seq', type: 'integer' },
};

const connection = (name: string, spec: Record<string, unknown>): Manifest => ({
  apiVersion: 'syncflow.io/v1alpha1',
  kind: 'SyncConnection',
  metadata: { name },
  spec,
});

export function lagFlowObjects(o: LagFlowOptions): Manifest[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'commerce-token' },
      stringData: { token: 'integration-token' },
    } as Manifest,
    connection('kafka', { type: 'kafka', brokers: o.kafkaBrokers }),
    connection('redis', { type: 'redis', url: o.redisUrl }),
    connection('commerce', {
      type: 'commerce',
      url: o.commerceUrl,
      auth: { bearer: { secretRef: { name: 'commerce-token' } } },
      commerce: { storeCode: 'all' },
    }),
    ...(o.connections ?? []),
    {
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncFlow',
      metadata: { name: o.name },
      spec: {
        flow: 'inventory',
        entity: 'sourceItem',
        maxLag: o.maxLag,
        source: o.source,
        mapping: { fields: o.fields ?? inventoryFields },
        sink: { connection: 'commerce', commerce: { batchSize: 20 } },
        state: { connection: 'redis' },
        ...o.extra,
      },
    },
  ];
}

/** The value of one series of the operator's registry, or undefined when it has none. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const match = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return match?.value;
}
