// Two operators on one Lease: one leads and only the leader reconciles; when the leader dies
// without releasing (SIGKILL), the other takes over within 20 s; a graceful stop releases the
// lease so the successor takes over at once; a leader whose lease is taken calls onLost.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMaps } from '../../../operator/kube/client.ts';
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
  type TestOperator,
} from './gadget-operator.ts';

describe('leader election between two operators', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('lead');
  const started: TestOperator[] = [];
  const start = (identity: string, releaseOnCancel: boolean, onLost?: () => void): TestOperator => {
    const op = startTestOperator({
      kubeconfig,
      namespace,
      leaderElection: {
        leaseName: 'gadget-operator',
        identity,
        releaseOnCancel,
        ...(onLost ? { onLost } : {}),
      },
    });
    started.push(op);
    return op;
  };
  const total = (op: TestOperator): number =>
    [...op.reconciles.values()].reduce((a, b) => a + b, 0);
  const readLease = () =>
    kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name: 'gadget-operator' });

  beforeAll(async () => {
    await ensureGadgetCrd(kc);
    await createNamespace(kc, namespace);
  });

  afterAll(async () => {
    await Promise.all(started.map((op) => op.stop()));
    await deleteNamespace(kc, namespace);
  });

  it('one leads; after a kill the other takes over within 20 s; a graceful stop hands over at once', async () => {
    const a = start('operator-a', false);
    await eventually(() => expect(a.elector?.isLeader()).toBe(true));
    const b = start('operator-b', true);
    await eventually(() => expect(b.primary.hasSynced() && b.children.hasSynced()).toBe(true));

    await a.client.create(gadgets, gadgetFor(namespace, 'one', 1));
    await eventually(async () =>
      expect(await a.client.get(configMaps, { namespace, name: childName('one') })).toBeDefined(),
    );
    expect(b.elector?.isLeader()).toBe(false);
    expect(total(b)).toBe(0);
    expect(await b.registry.getSingleMetricAsString('leader_election_master_status')).toContain(
      'leader_election_master_status{name="gadget-operator"} 0',
    );

    // SIGKILL: a stops renewing and writes nothing.
    const killedAt = Date.now();
    await a.stop();
    expect((await readLease()).spec?.holderIdentity).toBe('operator-a');
    await eventually(() => expect(b.elector?.isLeader()).toBe(true), { timeoutMs: 25_000 });
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(20_000);
    expect((await readLease()).spec).toMatchObject({
      holderIdentity: 'operator-b',
      leaseTransitions: 1,
    });
    await b.client.create(gadgets, gadgetFor(namespace, 'two', 2));
    await eventually(() => expect(b.reconciles.get(`${namespace}/two`)).toBeGreaterThan(0));

    const c = start('operator-c', true);
    await eventually(() => expect(c.primary.hasSynced()).toBe(true));
    const stoppedAt = Date.now();
    await b.stop();
    expect((await readLease()).spec?.holderIdentity).toBe('');
    await eventually(() => expect(c.elector?.isLeader()).toBe(true), { timeoutMs: 10_000 });
    const handoverMs = Date.now() - stoppedAt;
    expect(handoverMs).toBeLessThan(5_000);
    process.stderr.write(
      `[leader] takeover after kill: ${takeoverMs} ms; after graceful stop: ${handoverMs} ms\n`,
    );
    await c.stop();
  }, 90_000);

  it('a leader whose lease is taken over calls onLost', async () => {
    let lost = false;
    const name = 'gadget-operator';
    const d = start('operator-d', true, () => (lost = true));
    await eventually(() => expect(d.elector?.isLeader()).toBe(true), { timeoutMs: 25_000 });
    const leases = kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.readNamespacedLease({ namespace, name });
    await leases.replaceNamespacedLease({
      namespace,
      name,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 3600 },
      },
    });
    await eventually(() => expect(lost).toBe(true), { timeoutMs: 20_000 });
    expect(d.elector?.isLeader()).toBe(false);
  }, 60_000);
});
