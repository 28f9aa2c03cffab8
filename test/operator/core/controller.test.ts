// The generic core driving a test reconciler against a real apiserver: children are created and
// kept, the operator's own status writes do not re-trigger reconciles, and once settled the
// operator makes no write requests at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { systemClock } from '../../../operator/clock.ts';
import {
  EventRecorder,
  configMaps,
  events,
  type KubernetesObject,
} from '../../../operator/kube/client.ts';
import { eventually } from '../../support/eventually.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { uniqueName } from '../../support/unique-name.ts';
import {
  childName,
  createNamespace,
  deleteNamespace,
  ensureGadgetCrd,
  gadgetFor,
  gadgets,
  kubeConfigFrom,
  startTestOperator,
  type ConfigMap,
  type Gadget,
  type TestOperator,
} from './gadget-operator.ts';

describe('controller core with a test reconciler', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('core');
  let operator: TestOperator;

  beforeAll(async () => {
    await ensureGadgetCrd(kc);
    await createNamespace(kc, namespace);
    operator = startTestOperator({ kubeconfig, namespace });
  });

  afterAll(async () => {
    await operator?.stop();
    await deleteNamespace(kc, namespace);
  });

  const getChild = (name: string): Promise<ConfigMap | undefined> =>
    operator.client.get<ConfigMap>(configMaps, { namespace, name: childName(name) });
  const getGadget = (name: string): Promise<Gadget | undefined> =>
    operator.client.get<Gadget>(gadgets, { namespace, name });
  const isIdle = (): boolean =>
    operator.controller.queue.len() === 0 && operator.controller.longestRunningMs() === 0;

  it('creates the child with a controller owner reference and reports status', async () => {
    await operator.client.create(gadgets, gadgetFor(namespace, 'alpha', 3));
    const child = await eventually(async () => {
      const got = await getChild('alpha');
      expect(got?.data).toEqual({ size: '3' });
      return got!;
    });
    const gadget = await getGadget('alpha');
    expect(child.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('syncflow-operator');
    expect(child.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Gadget',
        name: 'alpha',
        uid: gadget?.metadata?.uid,
        controller: true,
      }),
    ]);
    expect(child.metadata?.managedFields?.map((f) => f.manager)).toContain('syncflow-operator');
    await eventually(async () =>
      expect((await getGadget('alpha'))?.status).toEqual({
        observedGeneration: 1,
        child: 'alpha-child',
        size: 3,
      }),
    );
  });

  it('a status write does not re-trigger a reconcile; a spec change does', async () => {
    await operator.client.create(gadgets, gadgetFor(namespace, 'beta', 1));
    await eventually(async () => expect((await getGadget('beta'))?.status?.size).toBe(1));
    await eventually(() => expect(isIdle()).toBe(true));
    const settled = operator.reconciles.get(`${namespace}/beta`);

    const patched = await operator.client.patchStatus<Gadget>(
      gadgets,
      { namespace, name: 'beta' },
      { note: 'x' },
    );
    // The informer's handler runs synchronously on receipt: once the cache holds the patched
    // version, a re-trigger would be queued, in flight or counted.
    await eventually(() =>
      expect(operator.primary.get(`${namespace}/beta`)?.metadata?.resourceVersion).toBe(
        patched.metadata?.resourceVersion,
      ),
    );
    expect(isIdle()).toBe(true);
    expect(operator.reconciles.get(`${namespace}/beta`)).toBe(settled);

    const current = (await getGadget('beta'))!;
    await operator.client.apply(gadgets, {
      ...gadgetFor(namespace, 'beta', 7),
      metadata: { name: 'beta', namespace },
    });
    await eventually(async () => expect((await getChild('beta'))?.data).toEqual({ size: '7' }));
    await eventually(async () =>
      expect((await getGadget('beta'))?.status).toMatchObject({ observedGeneration: 2, size: 7 }),
    );
    expect(current.metadata?.generation).toBe(1);
    await eventually(() => expect(isIdle()).toBe(true));
    expect(operator.reconciles.get(`${namespace}/beta`)).toBeGreaterThan(settled!);
  });

  it('recreates a deleted child (child events map to the owner)', async () => {
    await operator.client.create(gadgets, gadgetFor(namespace, 'gamma', 2));
    const first = await eventually(async () => (await getChild('gamma'))!.metadata!.uid!);
    await operator.client.delete(configMaps, { namespace, name: childName('gamma') });
    await eventually(async () => {
      const again = await getChild('gamma');
      expect(again?.metadata?.uid).toBeDefined();
      expect(again?.metadata?.uid).not.toBe(first);
    });
  });

  it('records rate-limited Kubernetes Events about an object', async () => {
    const gadget = await operator.client.create(gadgets, gadgetFor(namespace, 'evented', 1));
    const recorder = new EventRecorder({
      create: (resource, object) => operator.client.create(resource, object),
      controller: 'syncflow.io/operator',
      instance: 'test',
      clock: systemClock,
      log: pino({ level: 'silent' }),
    });
    const spec = {
      type: 'Normal',
      reason: 'Created',
      action: 'Apply',
      note: 'child created',
    } as const;
    await recorder.record(gadget, spec);
    await recorder.record(gadget, spec);
    await recorder.record(gadget, {
      ...spec,
      type: 'Warning',
      reason: 'Stalled',
      note: 'bad spec',
    });
    type Event = KubernetesObject & { reason?: string; regarding?: { uid?: string } };
    const listed = await operator.client.list<Event>(events, { namespace });
    const about = listed.items.filter((e) => e.regarding?.uid === gadget.metadata?.uid);
    expect(about.map((e) => e.reason).sort()).toEqual(['Created', 'Stalled']);
  });

  it('makes zero write requests while nothing changes (30 s window)', async () => {
    for (const name of ['d1', 'd2', 'd3'])
      await operator.client.create(gadgets, gadgetFor(namespace, name, 5));
    await eventually(async () => {
      for (const name of ['d1', 'd2', 'd3']) expect((await getGadget(name))?.status?.size).toBe(5);
    });
    await eventually(() => expect(isIdle()).toBe(true));
    const before = operator.client.requests.byMethod();
    const writesBefore = operator.client.requests.writes();
    const reconcilesBefore = [...operator.reconciles.values()].reduce((a, b) => a + b, 0);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const after = operator.client.requests.byMethod();
    expect(operator.client.requests.writes() - writesBefore).toBe(0);
    expect((after['GET'] ?? 0) - (before['GET'] ?? 0)).toBe(0);
    expect([...operator.reconciles.values()].reduce((a, b) => a + b, 0)).toBe(reconcilesBefore);
    const metrics = await operator.registry.metrics();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="gadget",result="success"\} [1-9]/,
    );
    expect(metrics).toMatch(/rest_client_requests_total\{method="PATCH",code="200"\} [1-9]/);
  }, 90_000);
});
