// Lag of an event flow, end to end: the operator plans the consumer Deployment, the local node
// really runs `runtime consume` against Kafka, Redis and the Commerce double, and the operator
// reads the consumer group's offsets and the runtime's heartbeat into status.lag. Scaling the
// consumer to zero makes the lag grow past its budget (LagWithinBudget=False) while Ready stays
// True; scaling it back catches up.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../../crds/conditions.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import { deployments } from '../../operator/kube/client.ts';
import { installCrds, kubeConfigFrom } from '../api/api-server.ts';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import {
  bearerToken,
  createTopics,
  inventoryMessage,
  kafkaFor,
  produce,
} from '../runtime/runtime-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  adminClient,
  createAll,
  deleteOperatorServiceAccount,
  operatorServiceAccount,
  startSyncFlowOperator,
  type Manifest,
  type RunningOperator,
} from './syncflow-operator.ts';
import { lagFlowObjects, metricValue } from './lag-fixture.ts';

interface Flow extends Manifest {
  status?: SyncFlowStatus;
}

const conditionOf = (flow: Flow | undefined, type: string): Condition | undefined =>
  flow?.status?.conditions?.find((c) => c.type === type);

describe('lag of an event flow', () => {
  const shared = sharedEnvironment();
  const kafka = kafkaFor(shared.kafkaBrokers);
  const namespace = uniqueName('lag');
  const name = 'inventory-events';
  const topic = uniqueName('stock');
  let env: Environment;
  let commerce: CommerceDouble;
  let operator: RunningOperator | undefined;
  let operatorNamespace = '';
  /** Every status the test saw, in order. */
  const seen: SyncFlowStatus[] = [];

  const getFlow = async (): Promise<Flow | undefined> => {
    const flow = await adminClient(env.kubeconfig ?? '').get<Flow>(syncFlows, { namespace, name });
    if (flow?.status) seen.push(flow.status);
    return flow;
  };
  const scale = (replicas: number): void => {
    execFileSync(env.kubectl ?? '', [
      ...['--kubeconfig', env.kubeconfig ?? '', '-n', namespace],
      ...['scale', `deployment/${name}`, `--replicas=${replicas}`],
    ]);
  };
  const events = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      inventoryMessage({
        id: `e-${from + i}`,
        sku: `SKU-${(from + i) % 7}`,
        onHand: from + i,
        seq: from + i,
      }),
    );

  beforeAll(async () => {
    env = await startEnvironment({ kube: true, node: 'run' });
    const kubeconfig = env.kubeconfig ?? '';
    commerce = await startCommerceDouble({ bearerToken });
    await installCrds(kubeConfigFrom(kubeconfig));
    const admin = adminClient(kubeconfig);
    await admin.create(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    );
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const access = await operatorServiceAccount(kubeconfig, env.runDir);
    operatorNamespace = access.namespace;
    operator = startSyncFlowOperator({
      kubeconfig: access.kubeconfig,
      namespace,
      instanceId: uniqueName('i'),
      lag: { refreshMs: 2_000 },
    });
    await createAll(
      admin,
      namespace,
      lagFlowObjects({
        name,
        kafkaBrokers: shared.kafkaBrokers,
        redisUrl: shared.redisUrl,
        commerceUrl: commerce.url,
        source: {
          connection: 'kafka',
          kafka: { topic, payload: 'full', deadLetterTopic: `${topic}.dlq` },
        },
        maxLag: '20s',
      }),
    );
  }, 300_000);

  afterAll(async () => {
    await operator?.stop();
    if (env?.kubeconfig && operatorNamespace)
      await deleteOperatorServiceAccount(env.kubeconfig, operatorNamespace);
    await commerce?.close();
    await env?.stop();
  });

  it('messages rise and return to 0; a stopped consumer goes over budget while Ready stays True', async () => {
    // Events waiting before the consumer exists: the operator sees them behind.
    await produce(kafka, topic, events(0, 40));
    await eventually(
      async () => {
        const flow = await getFlow();
        expect(conditionOf(flow, 'Ready')?.status).toBe('True');
        expect(flow?.status?.lag).toMatchObject({ messages: 0, seconds: 0, budgetSeconds: 20 });
        expect(conditionOf(flow, 'LagWithinBudget')?.status).toBe('True');
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(seen.some((s) => (s.lag?.messages ?? 0) > 0)).toBe(true);
    expect(commerce.state.sourceItems.size).toBeGreaterThan(0);

    // The consumer is scaled to zero: new events wait, the lag grows past the 20 s budget.
    scale(0);
    const admin = adminClient(env.kubeconfig ?? '');
    await eventually(
      async () => {
        const d = await admin.get<Manifest & { status?: { replicas?: number } }>(deployments, {
          namespace,
          name,
        });
        expect(d?.status?.replicas ?? 0).toBe(0);
      },
      { timeoutMs: 60_000 },
    );
    await produce(kafka, topic, events(40, 25));
    const registry = operator!.registry;
    const labels = { namespace, name, flow: 'inventory' };
    await eventually(
      async () => {
        expect(await metricValue(registry, 'syncflow_lag_messages', labels)).toBe(25);
      },
      { timeoutMs: 30_000 },
    );
    const firstSeconds = (await metricValue(registry, 'syncflow_lag_seconds', labels)) ?? 0;
    await eventually(
      async () => {
        const flow = await getFlow();
        expect(conditionOf(flow, 'LagWithinBudget')).toMatchObject({
          status: 'False',
          reason: 'BudgetExceeded',
        });
        expect(flow?.status?.lag?.messages).toBe(25);
        expect(flow?.status?.lag?.seconds).toBeGreaterThan(20);
        expect(conditionOf(flow, 'Ready')?.status).toBe('True');
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // Nothing is consumed, yet the lag keeps growing.
    await eventually(async () => {
      expect(await metricValue(registry, 'syncflow_lag_seconds', labels)).toBeGreaterThan(
        firstSeconds + 2,
      );
    });
    const overBudget = seen.filter((s) =>
      s.conditions?.some((c) => c.type === 'LagWithinBudget' && c.status === 'False'),
    );
    expect(overBudget.length).toBeGreaterThan(0);
    expect(
      overBudget.every((s) => s.conditions?.find((c) => c.type === 'Ready')?.status === 'True'),
    ).toBe(true);

    // Back to one consumer: it catches up and the flow is within budget again.
    scale(1);
    await eventually(
      async () => {
        const flow = await getFlow();
        expect(conditionOf(flow, 'LagWithinBudget')?.status).toBe('True');
        expect(flow?.status?.lag?.messages).toBe(0);
        expect(conditionOf(flow, 'Ready')?.status).toBe('True');
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(
      await metricValue(registry, 'syncflow_records_applied_total', labels),
    ).toBeGreaterThanOrEqual(7);
    expect(
      await metricValue(registry, 'syncflow_flow_condition', {
        ...labels,
        type: 'LagWithinBudget',
        status: 'True',
      }),
    ).toBe(1);
    expect(await metricValue(registry, 'syncflow_lag_budget_seconds', labels)).toBe(20);
  }, 420_000);
});
