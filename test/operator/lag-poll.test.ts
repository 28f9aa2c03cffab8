// Lag and run outcomes of poll flows, end to end: CronJobs every minute, their Jobs' pods run by
// the local node as `runtime poll` against the ERP double, the runtime's run records in Redis.
// A quiet source (no changes) stays within budget run after run; a flow whose ERP refuses it
// shows the failed runs in lastRun, LastRunSucceeded and consecutiveFailedRuns, and in the
// metrics, while staying Ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../../crds/conditions.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import { installCrds, kubeConfigFrom } from '../api/api-server.ts';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { startErpDouble, type ErpDouble } from '../doubles/erp/erp-double.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { dialects } from '../runtime/poll-dialects.ts';
import { bearerToken } from '../runtime/runtime-fixture.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { lagFlowObjects, metricValue } from './lag-fixture.ts';
import {
  adminClient,
  createAll,
  deleteOperatorServiceAccount,
  operatorServiceAccount,
  startSyncFlowOperator,
  type Manifest,
  type RunningOperator,
} from './syncflow-operator.ts';

interface Flow extends Manifest {
  status?: SyncFlowStatus;
}

const conditionOf = (status: SyncFlowStatus | undefined, type: string): Condition | undefined =>
  status?.conditions?.find((c) => c.type === type);

const odata = dialects[0]!;

describe('lag and runs of poll flows', () => {
  const shared = sharedEnvironment();
  const namespace = uniqueName('lagpoll');
  let env: Environment;
  let commerce: CommerceDouble;
  let erp: ErpDouble;
  let operator: RunningOperator | undefined;
  let operatorNamespace = '';
  const seen = new Map<string, SyncFlowStatus[]>();

  const statusOf = async (name: string): Promise<SyncFlowStatus | undefined> => {
    const flow = await adminClient(env.kubeconfig ?? '').get<Flow>(syncFlows, { namespace, name });
    if (flow?.status) seen.set(name, [...(seen.get(name) ?? []), flow.status]);
    return flow?.status;
  };

  const erpConnection = (name: string, secret: string): Manifest[] => [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret },
      stringData: { token: secret === 'erp-token' ? 'erp-token' : 'not-the-token' },
    } as Manifest,
    {
      apiVersion: 'syncflow.io/v1alpha1',
      kind: 'SyncConnection',
      metadata: { name },
      spec: {
        type: odata.connectionType,
        url: erp.url,
        auth: { bearer: { secretRef: { name: secret } } },
      },
    },
  ];
  const pollFlow = (name: string, connection: string): Manifest => {
    const objects = lagFlowObjects({
      name,
      kafkaBrokers: shared.kafkaBrokers,
      redisUrl: shared.redisUrl,
      commerceUrl: commerce.url,
      source: { connection, ...odata.source },
      fields: odata.fields,
      maxLag: '3m',
      extra: { pattern: 'poll', schedule: '* * * * *' },
    });
    return objects.at(-1)!;
  };

  beforeAll(async () => {
    env = await startEnvironment({ kube: true, node: 'run' });
    const kubeconfig = env.kubeconfig ?? '';
    commerce = await startCommerceDouble({ bearerToken });
    erp = await startErpDouble({
      dialect: 'odata-v4',
      entity: odata.entity(),
      bearerToken: 'erp-token',
    });
    await installCrds(kubeConfigFrom(kubeconfig));
    const admin = adminClient(kubeconfig);
    await admin.create(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    );
    const access = await operatorServiceAccount(kubeconfig, env.runDir);
    operatorNamespace = access.namespace;
    operator = startSyncFlowOperator({
      kubeconfig: access.kubeconfig,
      namespace,
      instanceId: uniqueName('i'),
      lag: { refreshMs: 2_000 },
    });
    const common = lagFlowObjects({
      name: 'unused',
      kafkaBrokers: shared.kafkaBrokers,
      redisUrl: shared.redisUrl,
      commerceUrl: commerce.url,
      source: {},
      maxLag: '3m',
    }).slice(0, -1);
    await createAll(admin, namespace, [
      ...common,
      ...erpConnection('erp', 'erp-token'),
      ...erpConnection('erp-refusing', 'erp-wrong-token'),
      pollFlow('quiet', 'erp'),
      pollFlow('refused', 'erp-refusing'),
    ]);
  }, 300_000);

  afterAll(async () => {
    await operator?.stop();
    if (env?.kubeconfig && operatorNamespace)
      await deleteOperatorServiceAccount(env.kubeconfig, operatorNamespace);
    await commerce?.close();
    await erp?.close();
    await env?.stop();
  });

  it('a quiet source stays within budget run after run; refused runs count up without un-Ready', async () => {
    const registry = operator!.registry;
    const labels = (name: string) => ({ namespace, name, flow: 'inventory' });
    await eventually(
      async () => {
        await statusOf('quiet');
        const refused = await statusOf('refused');
        expect(
          await metricValue(registry, 'syncflow_runs_total', {
            ...labels('quiet'),
            result: 'succeeded',
          }),
        ).toBeGreaterThanOrEqual(3);
        expect(refused?.consecutiveFailedRuns).toBeGreaterThanOrEqual(2);
      },
      { timeoutMs: 330_000, intervalMs: 1_000 },
    );
    const quiet = (await statusOf('quiet'))!;
    expect(quiet.lastRun).toMatchObject({ result: 'Succeeded', records: 0 });
    expect(quiet.consecutiveFailedRuns).toBe(0);
    expect(conditionOf(quiet, 'LastRunSucceeded')?.status).toBe('True');
    // Every status after the first run: within the 3 m budget although nothing changed all along.
    const afterFirstRun = (seen.get('quiet') ?? []).filter((s) => s.lastRun !== undefined);
    expect(afterFirstRun.length).toBeGreaterThan(10);
    for (const s of afterFirstRun) {
      expect(conditionOf(s, 'LagWithinBudget')?.status).toBe('True');
      expect(s.lag?.seconds).toBeLessThanOrEqual(180);
      expect(conditionOf(s, 'Ready')?.status).toBe('True');
    }

    const refused = (await statusOf('refused'))!;
    expect(refused.lastRun?.result).toBe('Failed');
    expect(conditionOf(refused, 'LastRunSucceeded')).toMatchObject({
      status: 'False',
      reason: 'RunFailed',
    });
    expect(conditionOf(refused, 'Ready')?.status).toBe('True');
    expect(conditionOf(refused, 'LagWithinBudget')).toMatchObject({
      status: 'Unknown',
      message: 'no successful poll run yet',
    });
    expect(
      await metricValue(registry, 'syncflow_consecutive_failed_runs', labels('refused')),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await metricValue(registry, 'syncflow_runs_total', {
        ...labels('refused'),
        result: 'failed',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await metricValue(registry, 'syncflow_flow_condition', {
        ...labels('refused'),
        type: 'LastRunSucceeded',
        status: 'False',
      }),
    ).toBe(1);
  }, 420_000);
});
