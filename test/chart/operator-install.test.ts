// helm install of the chart runs the operator: on a control plane of its own with a local node
// in run mode (the chart's pods run the checkout's entry points as processes), in a namespace
// that enforces the restricted Pod Security Standard. The operator becomes Ready through the
// chart's readiness probe, wins the Lease with the chart's RBAC (its ServiceAccount's token),
// and serves /metrics on the chart's metrics port.
import { AppsV1Api, CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFrom } from '../api/api-server.ts';
import { freePort } from '../env/ports.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';
import { copyChart, type ChartCopy } from './chart.ts';
import { ensureChartTools, runCommand } from './tools.ts';

const namespace = 'syncflow-system';
const release = 'syncflow';
const name = 'syncflow-syncflow-operator';

let env: Environment;
let kc: KubeConfig;
let chart: ChartCopy;
let metricsPort: number;

beforeAll(async () => {
  const { helm } = await ensureChartTools();
  env = await startEnvironment({ kube: true, node: 'run' });
  kc = kubeConfigFrom(env.kubeconfig ?? '');
  chart = copyChart();
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace, labels } } });
  // Every local pod shares 127.0.0.1: free ports instead of the defaults, and one replica.
  metricsPort = await freePort();
  const installed = await runCommand(helm, [
    ...[
      'install',
      release,
      chart.dir,
      '--namespace',
      namespace,
      '--kubeconfig',
      env.kubeconfig ?? '',
    ],
    ...['--set', 'replicas=1', '--set', `metrics.port=${metricsPort}`],
    ...['--set', `probes.port=${await freePort()}`],
  ]);
  if (installed.code !== 0) throw new Error(`helm install failed: ${installed.stderr}`);
});

afterAll(async () => {
  await env?.stop();
  chart?.remove();
});

describe('the installed chart', () => {
  it('runs the operator under the restricted profile until its readiness probe passes', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const deployment = await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace, name });
        expect(d.status?.readyReplicas).toBe(1);
        return d;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(deployment.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe(
      '/readyz',
    );
  });

  it('wins the leader-election Lease with the RBAC the chart grants', async () => {
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/component=operator' });
    const [pod] = pods.items;
    expect(pod?.spec?.serviceAccountName).toBe(name);
    const logs = (): string => env.node?.logs(namespace, pod?.metadata?.name ?? '') ?? '';
    const lease = await eventually(
      () => kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name }),
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: unknown) => {
      throw new Error(`no Lease; the operator's log:\n${logs()}`, { cause: err });
    });
    expect(lease.spec?.holderIdentity?.startsWith(`${pod?.metadata?.name ?? '?'}_`)).toBe(true);
  });

  it('serves Prometheus metrics on the chart metrics port', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^process_cpu_seconds_total /m);
  });
});
