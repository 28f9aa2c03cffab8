// The apiserver is stopped for 30 s and started again: the operator's informers retry with backoff
// and recover by themselves, and changes made right after the apiserver returns are reconciled.
// Runs on its own control plane (stopping the shared one would break other tests). Leader election
// is off here: with it on, an outage longer than the renew deadline makes the leader exit by
// design (controller-runtime does the same) and the kubelet restarts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMaps } from '../../../operator/kube/client.ts';
import { startEnvironment, type Environment } from '../../env/start-environment.ts';
import { eventually } from '../../support/eventually.ts';
import { uniqueName } from '../../support/unique-name.ts';
import {
  childName,
  createNamespace,
  ensureGadgetCrd,
  gadgetFor,
  gadgets,
  kubeConfigFrom,
  startTestOperator,
  type ConfigMap,
  type TestOperator,
} from './gadget-operator.ts';

describe('apiserver outage', () => {
  let env: Environment;
  let operator: TestOperator | undefined;
  const namespace = uniqueName('outage');

  beforeAll(async () => {
    env = await startEnvironment({ kube: true });
    const kc = kubeConfigFrom(env.kubeconfig!);
    await ensureGadgetCrd(kc);
    await createNamespace(kc, namespace);
  });

  afterAll(async () => {
    await operator?.stop();
    await env?.stop();
  });

  it('recovers by itself after 30 s without an apiserver and reconciles the next changes', async () => {
    operator = startTestOperator({ kubeconfig: env.kubeconfig!, namespace });
    const { client } = operator;
    const child = (name: string): Promise<ConfigMap | undefined> =>
      client.get<ConfigMap>(configMaps, { namespace, name: childName(name) });
    await client.create(gadgets, gadgetFor(namespace, 'before', 1));
    await eventually(async () => expect((await child('before'))?.data).toEqual({ size: '1' }));
    const failuresBefore = operator.primary.stats().failures + operator.children.stats().failures;

    await env.kubeControlPlane!.stopApiserver();
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    await env.kubeControlPlane!.startApiserver();

    await client.apply(gadgets, {
      ...gadgetFor(namespace, 'before', 2),
      metadata: { name: 'before', namespace },
    });
    await client.create(gadgets, gadgetFor(namespace, 'after', 3));
    await eventually(async () => expect((await child('before'))?.data).toEqual({ size: '2' }), {
      timeoutMs: 45_000,
    });
    await eventually(async () => expect((await child('after'))?.data).toEqual({ size: '3' }), {
      timeoutMs: 45_000,
    });
    const failuresAfter = operator.primary.stats().failures + operator.children.stats().failures;
    expect(failuresAfter).toBeGreaterThan(failuresBefore);
    expect(operator.primary.hasSynced()).toBe(true);
  }, 180_000);
});
