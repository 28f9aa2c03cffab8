// The local node in run mode, in an environment of its own: pods of the project's image run as
// local processes of the checkout's entry points, with kubelet semantics for readiness,
// restarts, Jobs, configuration errors, deletion, and the node's shutdown.
import type { V1Pod } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../env/ports.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';
import { clientsFor, fixtureContainer, restrictedNamespace, type Clients } from './workloads.ts';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const containerStatus = (pod: V1Pod) => pod.status?.containerStatuses?.[0];

describe('local node, run mode', () => {
  let env: Environment;
  let clients: Clients;
  let namespace = '';
  const scratch = mkdtempSync(join(tmpdir(), 'sf-node-run-'));

  const podOf = async (app: string): Promise<V1Pod> => {
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
    const pod = pods.items.find((p) => !p.metadata?.deletionTimestamp);
    if (!pod) throw new Error(`no pod of ${app} yet`);
    return pod;
  };

  const jobCondition = async (name: string): Promise<string | undefined> => {
    const job = await clients.batch.readNamespacedJob({ namespace, name });
    const done = job.status?.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    return done ? `${done.type}${done.reason ? `/${done.reason}` : ''}` : undefined;
  };

  beforeAll(async () => {
    env = await startEnvironment({
      kube: true,
      node: 'run',
      nodeOptions: { restartBackoff: { baseMs: 1_000, maxMs: 5_000 }, configRetryMs: 500 },
    });
    clients = clientsFor(env.kubeconfig ?? '');
    namespace = await restrictedNamespace(clients.core);
  });
  afterAll(async () => {
    await env?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const createServer = async (name: string, readyFile = ''): Promise<void> => {
    const port = await freePort();
    const container = fixtureContainer('ready-server', {
      env: [
        { name: 'PORT', value: String(port) },
        { name: 'READY_FILE', value: readyFile },
      ],
    });
    container.readinessProbe = { httpGet: { path: '/ready', port }, periodSeconds: 1 };
    const labels = { app: name };
    await clients.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
    });
  };

  const availableReplicas = async (name: string): Promise<number> => {
    const deployment = await clients.apps.readNamespacedDeployment({ namespace, name });
    return deployment.status?.availableReplicas ?? 0;
  };

  const pidOf = (pod: string): number => {
    const found = env.node?.processes().find((p) => p.pod === pod);
    if (!found) throw new Error(`no process for pod ${pod}`);
    return found.pid;
  };

  it('makes a Deployment Available only once its process is ready', async () => {
    const readyFile = join(scratch, 'server-ready');
    await createServer('gated', readyFile);
    const pod = await eventually(async () => {
      const found = await podOf('gated');
      const logs = env.node?.logs(namespace, found.metadata?.name ?? '');
      expect(logs).toContain('answered /ready with 503');
      return found;
    });
    expect(await availableReplicas('gated')).toBe(0);
    const status = containerStatus(await podOf('gated'));
    expect(status?.state?.running).toBeDefined();
    expect(status?.ready).toBe(false);
    expect(isAlive(pidOf(pod.metadata?.name ?? ''))).toBe(true);

    writeFileSync(readyFile, '');
    await eventually(async () => expect(await availableReplicas('gated')).toBe(1));
  });

  it('runs two replicas declaring the same metrics port, each on a host port of its own', async () => {
    const container = fixtureContainer('ready-server');
    container.ports = [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }];
    container.readinessProbe = { httpGet: { path: '/ready', port: 'metrics' }, periodSeconds: 1 };
    const labels = { app: 'twins' };
    await clients.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'twins' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
    });
    await eventually(async () => expect(await availableReplicas('twins')).toBe(2));
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: 'app=twins' });
    const ports = pods.items.map((pod) => {
      const logs = env.node?.logs(namespace, pod.metadata?.name ?? '') ?? '';
      return /listening on (\d+)/.exec(logs)?.[1];
    });
    expect(ports.every((p) => p !== undefined && p !== '9464')).toBe(true);
    expect(new Set(ports).size).toBe(2);
    expect(pods.items.every((p) => (containerStatus(p)?.restartCount ?? 0) === 0)).toBe(true);
  });

  it('restarts a killed process and counts the restart', async () => {
    await createServer('restarted');
    await eventually(async () => expect(await availableReplicas('restarted')).toBe(1));
    const podName = (await podOf('restarted')).metadata?.name ?? '';
    const killed = pidOf(podName);
    process.kill(killed, 'SIGKILL');
    const restarted = await eventually(async () => {
      const status = containerStatus(await podOf('restarted'));
      expect(status?.restartCount).toBe(1);
      expect(status?.ready).toBe(true);
      return status;
    });
    expect(restarted?.lastState?.terminated?.exitCode).toBe(137);
    expect(restarted?.state?.running).toBeDefined();
    expect(pidOf(podName)).not.toBe(killed);
    expect(isAlive(pidOf(podName))).toBe(true);
  });

  it('restarts a process whose exec liveness probe fails', async () => {
    const port = await freePort();
    const container = fixtureContainer('ready-server', {
      env: [{ name: 'PORT', value: String(port) }],
    });
    const aliveFile = join(scratch, 'alive');
    container.livenessProbe = {
      exec: { command: ['test', '-f', aliveFile] },
      // Long enough for the server to install its SIGTERM handler on a busy machine.
      initialDelaySeconds: 3,
      periodSeconds: 1,
      failureThreshold: 2,
    };
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'unhealthy', labels: { app: 'unhealthy' } },
        spec: { containers: [container], terminationGracePeriodSeconds: 5 },
      },
    });
    const status = await eventually(
      async () => {
        const found = containerStatus(await podOf('unhealthy'));
        expect(found?.restartCount).toBeGreaterThanOrEqual(1);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    // The kubelet stops an unhealthy container gracefully: the server exits 0 on SIGTERM.
    expect(status?.lastState?.terminated?.exitCode).toBe(0);
    expect(env.node?.logs(namespace, 'unhealthy')).toContain('SIGTERM: shutting down');
  });

  it('completes a Job whose process exits 0 and fails one exiting 1 after backoffLimit', async () => {
    const jobFor = (name: string, code: string) =>
      clients.batch.createNamespacedJob({
        namespace,
        body: {
          metadata: { name },
          spec: {
            backoffLimit: 1,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [fixtureContainer('exit-with', { args: [code] })],
              },
            },
          },
        },
      });
    await jobFor('succeeds', '0');
    await jobFor('fails', '1');
    await eventually(async () =>
      expect(await jobCondition('succeeds')).toBe('Complete/CompletionsReached'),
    );
    await eventually(
      async () => expect(await jobCondition('fails')).toBe('Failed/BackoffLimitExceeded'),
      { timeoutMs: 60_000 },
    );
    const failed = await clients.core.listNamespacedPod({
      namespace,
      labelSelector: 'job-name=fails',
    });
    expect(failed.items.map((p) => p.status?.phase)).toEqual(['Failed', 'Failed']);
    expect(failed.items.map((p) => containerStatus(p)?.state?.terminated?.exitCode)).toEqual([
      1, 1,
    ]);
  });

  it('waits with CreateContainerConfigError on a missing Secret, then runs with env and files from ConfigMaps and Secrets', async () => {
    await clients.core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'settings' },
        data: { LEVEL: 'debug', 'flow.json': '{"flow":"orders"}' },
      },
    });
    const container = fixtureContainer('exit-with', {
      env: [
        { name: 'PRINT_ENV', value: 'LEVEL,TOKEN,POD_NAME,GREETING,CFG_LEVEL' },
        { name: 'PRINT_FILES', value: '/etc/syncflow/flow.json' },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'credentials', key: 'token' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'GREETING', value: 'hello $(POD_NAME)' },
      ],
    });
    container.envFrom = [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }];
    container.volumeMounts = [{ name: 'settings', mountPath: '/etc/syncflow', readOnly: true }];
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'configured', labels: { app: 'configured' } },
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          volumes: [
            {
              name: 'settings',
              configMap: { name: 'settings', items: [{ key: 'flow.json', path: 'flow.json' }] },
            },
          ],
        },
      },
    });
    const waiting = await eventually(async () => {
      const state = containerStatus(await podOf('configured'))?.state?.waiting;
      expect(state?.reason).toBe('CreateContainerConfigError');
      return state;
    });
    expect(waiting?.message).toBe('secret "credentials" not found');
    expect((await podOf('configured')).status?.phase).toBe('Pending');

    await clients.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'credentials' }, stringData: { token: 's3cret' } },
    });
    await eventually(async () =>
      expect((await podOf('configured')).status?.phase).toBe('Succeeded'),
    );
    const logs = env.node?.logs(namespace, 'configured') ?? '';
    const printed = JSON.parse(/^config (.*)$/m.exec(logs)?.[1] ?? '{}') as unknown;
    expect(printed).toEqual({
      env: {
        LEVEL: 'debug',
        TOKEN: 's3cret',
        POD_NAME: 'configured',
        GREETING: 'hello configured',
        CFG_LEVEL: 'debug',
      },
      files: { '/etc/syncflow/flow.json': '{"flow":"orders"}' },
    });
  });

  it('waits with CreateContainerConfigError on a volume of a missing ConfigMap', async () => {
    const container = fixtureContainer('exit-with');
    container.volumeMounts = [{ name: 'flow', mountPath: '/etc/flow' }];
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'unmounted', labels: { app: 'unmounted' } },
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          volumes: [{ name: 'flow', configMap: { name: 'absent' } }],
        },
      },
    });
    const waiting = await eventually(async () => {
      const state = containerStatus(await podOf('unmounted'))?.state?.waiting;
      expect(state?.reason).toBe('CreateContainerConfigError');
      return state;
    });
    expect(waiting?.message).toBe(
      'MountVolume.SetUp failed for volume "flow" : configmap "absent" not found',
    );
  });

  it("gives a process the pod's ServiceAccount token, CA and apiserver address", async () => {
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'whoami', labels: { app: 'whoami' } },
        spec: { restartPolicy: 'Never', containers: [fixtureContainer('whoami')] },
      },
    });
    await eventually(async () => expect((await podOf('whoami')).status?.phase).toBe('Succeeded'));
    expect(env.node?.logs(namespace, 'whoami')).toContain(
      `authenticated as system:serviceaccount:${namespace}:default`,
    );
  });

  it('refuses an image other than the project one with a clear reason', async () => {
    const container = { ...fixtureContainer('exit-with'), image: 'docker.io/library/nginx:1.27' };
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'foreign', labels: { app: 'foreign' } },
        spec: { containers: [container] },
      },
    });
    const waiting = await eventually(async () => {
      const state = containerStatus(await podOf('foreign'))?.state?.waiting;
      expect(state?.reason).toBe('ErrImageNeverPull');
      return state;
    });
    expect(waiting?.message).toContain("runs only the project's image (ghcr.io/syncflow/syncflow");
    expect(waiting?.message).toContain('docker.io/library/nginx:1.27');
  });

  it('stops a deleted pod with SIGTERM and removes it', async () => {
    const port = await freePort();
    const container = fixtureContainer('ready-server', {
      env: [{ name: 'PORT', value: String(port) }],
    });
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'deleted', labels: { app: 'deleted' } },
        spec: { containers: [container], terminationGracePeriodSeconds: 20 },
      },
    });
    await eventually(async () => expect(containerStatus(await podOf('deleted'))?.ready).toBe(true));
    // Ready without a probe means started; wait until the server has its SIGTERM handler.
    await eventually(() => expect(env.node?.logs(namespace, 'deleted')).toContain('listening'));
    const [running] = env.node?.processes().filter((p) => p.pod === 'deleted') ?? [];
    await clients.core.deleteNamespacedPod({ namespace, name: 'deleted' });
    await eventually(async () => {
      const pods = await clients.core.listNamespacedPod({
        namespace,
        labelSelector: 'app=deleted',
      });
      expect(pods.items).toEqual([]);
    });
    expect(isAlive(running?.pid ?? 0)).toBe(false);
    expect(env.node?.logs(namespace, 'deleted')).toContain('SIGTERM: shutting down');
  });

  it('stops every process it started when the environment stops', async () => {
    const started = env.node?.startedPids() ?? [];
    expect(started.filter(isAlive).length).toBeGreaterThan(0);
    await env.stop();
    expect(started.filter(isAlive)).toEqual([]);
  });
});
