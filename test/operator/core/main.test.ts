// The composition root as a real process: --help documents the flags; started against the
// apiserver it serves probes and metrics, wins the lease, and on SIGTERM shuts down cleanly,
// releasing the lease.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds } from '../../api/api-server.ts';
import { eventually } from '../../support/eventually.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { uniqueName } from '../../support/unique-name.ts';
import { exampleObjects } from '../syncflow-operator.ts';
import { createNamespace, deleteNamespace, kubeConfigFrom } from './gadget-operator.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function runMain(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['operator/main.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('operator/main.ts', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('main');

  // The SyncFlow controller's informers sync (and /readyz passes) only once its CRDs exist.
  beforeAll(async () => {
    await installCrds(kc);
    await createNamespace(kc, namespace);
  });
  afterAll(() => deleteNamespace(kc, namespace));

  it('--help explains every flag and exits 0', async () => {
    const run = runMain(['--help']);
    expect(await run.exited).toBe(0);
    for (const flag of [
      '--namespace',
      '--instance-id',
      '--image',
      '--metrics-port',
      '--probe-port',
      '--leader-elect',
      '--lease-namespace',
    ]) {
      expect(run.output()).toContain(flag);
    }
  });

  it('rejects invalid settings, listing them, with exit code 1', async () => {
    const run = runMain(['--probe-port', 'abc', '--leader-elect', 'maybe']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('probePort');
    expect(run.output()).toContain('leaderElection');
  });

  it('serves probes and metrics, leads, and releases the lease on SIGTERM', async () => {
    const [probePort, metricsPort] = [await freePort(), await freePort()];
    const run = runMain(
      [
        '--probe-port',
        String(probePort),
        '--metrics-port',
        String(metricsPort),
        '--lease-namespace',
        namespace,
        '--namespace',
        namespace,
      ],
      { KUBECONFIG: kubeconfig, POD_NAME: 'main-test' },
    );
    try {
      await eventually(async () => {
        const ready = await fetch(`http://127.0.0.1:${probePort}/readyz`);
        expect(ready.status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).toBe(200);
      });
      await eventually(async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(metrics).toContain('leader_election_master_status{name="syncflow-operator"} 1');
        expect(metrics).toContain('process_resident_memory_bytes');
      });
      const leases = kc.makeApiClient(CoordinationV1Api);
      const lease = await leases.readNamespacedLease({ namespace, name: 'syncflow-operator' });
      expect(lease.spec?.holderIdentity).toMatch(/^main-test_/);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      const released = await leases.readNamespacedLease({ namespace, name: 'syncflow-operator' });
      expect(released.spec?.holderIdentity).toBe('');
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);

  // The replay controller reads flows from the SyncFlow controller's cache in this process: a
  // replay waiting for its flow hears of the flow through that shared informer.
  it('runs the replay controller on the flows the SyncFlow controller watches', async () => {
    const [probePort, metricsPort] = [await freePort(), await freePort()];
    const run = runMain(
      ['--probe-port', String(probePort), '--metrics-port', String(metricsPort)],
      { KUBECONFIG: kubeconfig, SYNCFLOW_NAMESPACE: namespace, SYNCFLOW_LEADER_ELECT: 'false' },
    );
    const custom = kc.makeApiClient(CustomObjectsApi);
    const group = { group: 'syncflow.io', version: 'v1alpha1', namespace };
    const [replay] = exampleObjects('replay/inventory-fast-since-0600.yaml');
    const [flow] = exampleObjects('flow-inventory-fast.yaml');
    const replayMessage = async (): Promise<string> => {
      const object = (await custom.getNamespacedCustomObjectStatus({
        ...group,
        plural: 'syncflowreplays',
        name: replay!.metadata!.name!,
      })) as { status?: { message?: string } };
      return object.status?.message ?? '';
    };
    try {
      await custom.createNamespacedCustomObject({
        ...group,
        plural: 'syncflowreplays',
        body: replay,
      });
      await eventually(async () =>
        expect(await replayMessage()).toContain('SyncFlow inventory-fast does not exist'),
      );
      await custom.createNamespacedCustomObject({ ...group, plural: 'syncflows', body: flow });
      // No SyncConnections in this namespace: the flow is Stalled, and the replay says why.
      await eventually(async () =>
        expect(await replayMessage()).toMatch(
          /SyncFlow inventory-fast cannot be planned: .*no SyncConnection named/,
        ),
      );
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);
});
