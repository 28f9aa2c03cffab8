// The local node in simulate mode, in the shared environment: pods bound to it go Running and
// Ready at once and Jobs' pods complete, so Deployments, CronJobs and garbage collection behave
// as on a real cluster without running anything.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { eventually } from '../support/eventually.ts';
import { clientsFor, restrictedNamespace, restrictedSecurityContext } from './workloads.ts';

const container = {
  name: 'main',
  image: 'registry.example/anything:1.0',
  securityContext: restrictedSecurityContext,
};

describe('local node, simulate mode', () => {
  const { core, apps, batch } = clientsFor(sharedEnvironment().kubeconfig);
  const node = inject('env').node;
  let namespace = '';

  beforeAll(async () => {
    if (node?.mode !== 'simulate') {
      throw new Error(
        'the shared environment has no simulate node: use npm run env:up -- --node simulate',
      );
    }
    namespace = await restrictedNamespace(core);
  });
  afterAll(async () => {
    if (namespace) await core.deleteNamespace({ name: namespace });
  });

  it('registers a Ready node with capacity', async () => {
    const registered = await eventually(async () => {
      const found = await core.readNode({ name: node?.name ?? '' });
      expect(found.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      return found;
    });
    expect(Number(registered.status?.allocatable?.['pods'])).toBeGreaterThan(100);
    expect(registered.status?.allocatable?.['cpu']).toBeDefined();
    expect(registered.spec?.taints ?? []).toEqual([]);
  });

  it('sets a pod Ready again when another writer marked it not ready (a lapsed node lease)', async () => {
    const labels = { app: 'steady' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'steady' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
    });
    const available = async (): Promise<number> =>
      (await apps.readNamespacedDeployment({ namespace, name: 'steady' })).status
        ?.availableReplicas ?? 0;
    await eventually(async () => expect(await available()).toBe(1));
    const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: 'app=steady' })).items;
    const name = pod?.metadata?.name ?? '';
    // What the node lifecycle controller writes to the pods of a node whose lease lapsed.
    const notReady = (pod?.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeNotReady' } : c,
    );
    await core.patchNamespacedPodStatus(
      { namespace, name, body: { status: { conditions: notReady } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await eventually(async () => {
      const again = await core.readNamespacedPod({ namespace, name });
      expect(again.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(await available()).toBe(1);
    });
  });

  it('makes a Deployment of 2 replicas Available, and deleting it removes its pods', async () => {
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
    });
    await eventually(async () => {
      const deployment = await apps.readNamespacedDeployment({ namespace, name: 'web' });
      expect(deployment.status?.availableReplicas).toBe(2);
      const available = deployment.status?.conditions?.find((c) => c.type === 'Available');
      expect(available?.status).toBe('True');
    });
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    expect(pods.items.map((p) => [p.spec?.nodeName, p.status?.phase, p.status?.podIP])).toEqual([
      [node?.name, 'Running', '127.0.0.1'],
      [node?.name, 'Running', '127.0.0.1'],
    ]);

    await apps.deleteNamespacedDeployment({ namespace, name: 'web' });
    await eventually(async () => {
      const left = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
      expect(left.items).toEqual([]);
    });
  });

  it('lets a CronJob every minute create a Job that completes', { timeout: 150_000 }, async () => {
    await batch.createNamespacedCronJob({
      namespace,
      body: {
        metadata: { name: 'tick' },
        spec: {
          schedule: '* * * * *',
          jobTemplate: {
            spec: {
              template: { spec: { restartPolicy: 'Never', containers: [container] } },
            },
          },
        },
      },
    });
    // The CronJob controller fires at the next minute boundary.
    const job = await eventually(
      async () => {
        const jobs = await batch.listNamespacedJob({ namespace });
        const complete = jobs.items.find((j) =>
          j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'),
        );
        expect(complete).toBeDefined();
        return complete;
      },
      { timeoutMs: 130_000, intervalMs: 1_000 },
    );
    expect(job?.metadata?.ownerReferences?.[0]?.name).toBe('tick');
    expect(job?.status?.succeeded).toBe(1);
  });
});
