/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access --
   the tests read deep into the children as the apiserver returns them. */
// The SyncFlow operator against a real control plane and the simulate-mode local node, running
// with its own ServiceAccount and the shipped RBAC: the examples become the right children and
// Ready, a budget change always leaves exactly one workload, deleting a flow removes its
// children, and a settled operator makes no write requests.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import { cronJobs, deployments, type KubeClient } from '../../operator/kube/client.ts';
import { batchNodeFlags } from '../../operator/plan/parts/container.ts';
import { installCrds, kubeConfigFrom } from '../api/api-server.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  adminClient,
  createAll,
  deleteOperatorServiceAccount,
  exampleObjects,
  operatorServiceAccount,
  resourcesByKind,
  startSyncFlowOperator,
  testImage,
  type Manifest,
  type RunningOperator,
} from './syncflow-operator.ts';

interface Flow extends Manifest {
  status?: SyncFlowStatus;
}

const flowFiles = [
  'flow-catalog-products.yaml',
  'flow-credit.yaml',
  'flow-customer-address.yaml',
  'flow-customer-company.yaml',
  'flow-inventory-fast.yaml',
  'flow-inventory-slow.yaml',
  'flow-order-status-shipments.yaml',
  'flow-orders.yaml',
  'flow-pricing-contract.yaml',
  'flow-pricing-promo.yaml',
];

const podSpecOf = (workload: Manifest): any => {
  const spec = workload.spec as any;
  return workload.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
};

function expectSchedule(workload: Manifest, status: SyncFlowStatus, example: Manifest): void {
  if (workload.kind !== 'CronJob') return;
  const spec = workload.spec as any;
  expect(spec.schedule).toBe(status.schedule);
  expect(spec.timeZone).toBe(example.spec?.['timeZone']);
  expect(spec.concurrencyPolicy).toBe('Forbid');
}

describe('SyncFlow operator', () => {
  const { kubeconfig, kubectl, runDir } = sharedEnvironment();
  const admin: KubeClient = adminClient(kubeconfig);
  const namespace = uniqueName('sf');
  let operatorNamespace = '';
  let operator: RunningOperator;

  const getFlow = (name: string): Promise<Flow | undefined> =>
    admin.get<Flow>(syncFlows, { namespace, name });
  const readyOf = (flow: Flow | undefined) =>
    flow?.status?.conditions?.find((c) => c.type === 'Ready');
  const workloadsOf = async (name: string): Promise<Manifest[]> => {
    const found = await Promise.all([
      admin
        .get<Manifest>(deployments, { namespace, name })
        .then((d) => d && { ...d, kind: 'Deployment' }),
      admin
        .get<Manifest>(cronJobs, { namespace, name })
        .then((c) => c && { ...c, kind: 'CronJob' }),
    ]);
    return found.filter((w) => w !== undefined);
  };
  beforeAll(async () => {
    await installCrds(kubeConfigFrom(kubeconfig));
    await admin.create(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    );
    // flow-orders.yaml puts order pods ahead of catalog imports with this PriorityClass.
    await admin
      .create(
        {
          group: 'scheduling.k8s.io',
          version: 'v1',
          kind: 'PriorityClass',
          plural: 'priorityclasses',
          namespaced: false,
        },
        {
          apiVersion: 'scheduling.k8s.io/v1',
          kind: 'PriorityClass',
          metadata: { name: 'syncflow-critical' },
          value: 100000,
        } as Manifest,
      )
      .catch((err: unknown) => {
        if ((err as { code?: number }).code !== 409) throw err;
      });
    const access = await operatorServiceAccount(kubeconfig, runDir);
    operatorNamespace = access.namespace;
    operator = startSyncFlowOperator({ kubeconfig: access.kubeconfig, namespace });
    await createAll(admin, namespace, [
      ...exampleObjects('secrets.yaml'),
      ...exampleObjects('connections.yaml'),
    ]);
  });

  afterAll(async () => {
    await operator?.stop();
    await admin.delete(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { name: namespace },
    );
    if (operatorNamespace) await deleteOperatorServiceAccount(kubeconfig, operatorNamespace);
  });

  it('each example flow gets its workload, ServiceAccount, ConfigMap and owner, and becomes Ready', async () => {
    const flows = flowFiles.flatMap((file) => exampleObjects(file));
    await createAll(admin, namespace, flows);
    for (const example of flows) {
      const name = example.metadata!.name!;
      const flow = await eventually(
        async () => {
          const got = await getFlow(name);
          expect(readyOf(got), name).toMatchObject({ status: 'True' });
          return got!;
        },
        { timeoutMs: 90_000 },
      );
      const status = flow.status!;
      expect(status.observedGeneration).toBe(flow.metadata?.generation);
      expect(status.decision).toBeTruthy();
      const workloads = await workloadsOf(name);
      expect(workloads.map((w) => w.kind)).toEqual([status.workload?.kind]);
      const workload = workloads[0]!;
      expect(workload.metadata?.ownerReferences).toEqual([
        {
          apiVersion: 'syncflow.io/v1alpha1',
          kind: 'SyncFlow',
          name,
          uid: flow.metadata?.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expectSchedule(workload, status, example);
      const pod = podSpecOf(workload);
      const mode = status.pattern === 'event' ? ['consume', 'poll'] : ['poll', 'batch'];
      expect(mode).toContain(pod.containers[0].args[0]);
      expect(pod.containers[0].command).toEqual(
        pod.containers[0].args[0] === 'batch'
          ? ['node', ...batchNodeFlags, 'dist/runtime/main.js']
          : ['node', 'dist/runtime/main.js'],
      );
      expect(pod.containers[0].image).toBe(testImage);
      expect(pod.serviceAccountName).toBe(name);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.containers[0].securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const sa = await admin.get<Manifest & { automountServiceAccountToken?: boolean }>(
        resourcesByKind['ServiceAccount']!,
        { namespace, name },
      );
      expect(sa?.automountServiceAccountToken).toBe(false);
      const config = await admin.get<Manifest & { data?: Record<string, string> }>(
        resourcesByKind['ConfigMap']!,
        { namespace, name: `${name}-config` },
      );
      expect(JSON.parse(config!.data!['flow.json']!)).toMatchObject({
        configVersion: 1,
        flow: { name, uid: flow.metadata?.uid },
      });
    }
    const table = execFileSync(
      kubectl,
      ['--kubeconfig', kubeconfig, 'get', 'sf', '-n', namespace],
      { encoding: 'utf8' },
    );
    expect(table).toMatch(/PATTERN.*BUDGET.*READY/);
    expect(table).toMatch(/inventory-fast\s+inventory\s+sourceItem\s+event\s+60s\s+True/);
    expect(table).toMatch(/customer-company\s+customer\s+company\s+poll\s+30m\s+True/);
  }, 240_000);

  it('a budget change event → poll → batch → event leaves exactly one workload after each step', async () => {
    const name = 'move';
    const [base] = exampleObjects('flow-inventory-fast.yaml');
    await createAll(admin, namespace, [{ ...base!, metadata: { name } }]);
    for (const [maxLag, kind, pattern] of [
      ['60s', 'Deployment', 'event'],
      ['30m', 'CronJob', 'poll'],
      ['4h', 'CronJob', 'batch'],
      ['60s', 'Deployment', 'event'],
    ] as const) {
      const current = (await getFlow(name))!;
      await admin.apply(syncFlows, {
        ...current,
        metadata: { name, namespace },
        spec: { ...current.spec, maxLag },
      });
      await eventually(
        async () => {
          const flow = await getFlow(name);
          expect(flow?.status).toMatchObject({
            pattern,
            workload: { kind, name },
            observedGeneration: flow?.metadata?.generation,
          });
          expect(readyOf(flow)?.status).toBe('True');
          expect((await workloadsOf(name)).map((w) => w.kind)).toEqual([kind]);
          const sweep = await admin.get(cronJobs, { namespace, name: `${name}-sweep` });
          expect(sweep !== undefined).toBe(pattern === 'event');
        },
        { timeoutMs: 60_000 },
      );
    }
  }, 240_000);

  it('deleting a flow removes its children (garbage collection by owner reference)', async () => {
    const name = 'gone';
    const [base] = exampleObjects('flow-inventory-fast.yaml');
    await createAll(admin, namespace, [{ ...base!, metadata: { name } }]);
    await eventually(async () => expect(readyOf(await getFlow(name))?.status).toBe('True'), {
      timeoutMs: 60_000,
    });
    await admin.delete(syncFlows, { namespace, name });
    await eventually(
      async () => {
        expect(await workloadsOf(name)).toEqual([]);
        expect(await admin.get(cronJobs, { namespace, name: `${name}-sweep` })).toBeUndefined();
        expect(
          await admin.get(resourcesByKind['ConfigMap']!, { namespace, name: `${name}-config` }),
        ).toBeUndefined();
        expect(
          await admin.get(resourcesByKind['ServiceAccount']!, { namespace, name }),
        ).toBeUndefined();
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);

  it('suspend scales the Deployment to zero', async () => {
    const name = 'pause';
    const [base] = exampleObjects('flow-inventory-fast.yaml');
    await createAll(admin, namespace, [
      { ...base!, metadata: { name }, spec: { ...base!.spec, suspend: true } },
    ]);
    await eventually(
      async () => {
        const [deployment] = await workloadsOf(name);
        expect((deployment?.spec as any)?.replicas).toBe(0);
        expect(readyOf(await getFlow(name))).toMatchObject({
          status: 'False',
          reason: 'Suspended',
        });
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);

  it('makes zero write requests in a minute when nothing changes', async () => {
    // Settled: no reconcile is queued or running, and no write happens for 5 s.
    await eventually(
      async () => {
        expect(operator.isIdle()).toBe(true);
        const before = operator.client.requests.writes();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        expect(operator.client.requests.writes()).toBe(before);
      },
      { timeoutMs: 90_000 },
    );
    const before = operator.client.requests.writes();
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    expect(operator.client.requests.writes() - before).toBe(0);
  }, 240_000);
});
