// The chart as a user installs it: it lints, it renders with default values and with every
// optional feature on, and the result passes a server-side dry run against the real apiserver
// (schemas, admission, strict field validation). Wrong values fail with a message naming them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { flagOptions, loadConfig } from '../../operator/config.ts';
import { createNamespace, deleteNamespace, kubeConfigFrom } from '../api/api-server.ts';
import type { Manifest } from '../api/manifests.ts';
import { repoRoot } from '../env/paths.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { copyChart, helmTemplate, objectsOf, renderChart, type ChartCopy } from './chart.ts';
import { applyYaml, installCrdsFrom, type Kubectl } from './cluster.ts';
import { ensureChartTools, runCommand } from './tools.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const allFeatures = join(fixtures, 'values-all-features.yaml');

let helm: string;
let chart: ChartCopy;
let k: Kubectl;
let releaseNamespace: string;
let watchedNamespace: string;

beforeAll(async () => {
  ({ helm } = await ensureChartTools());
  chart = copyChart();
  const env = sharedEnvironment();
  k = { kubectl: env.kubectl, kubeconfig: env.kubeconfig };
  const kc = kubeConfigFrom(env.kubeconfig);
  releaseNamespace = uniqueName('chart');
  watchedNamespace = uniqueName('flows');
  await createNamespace(kc, releaseNamespace);
  await createNamespace(kc, watchedNamespace);
  await installCrdsFrom(k, join(fixtures, 'prometheus-operator-crds.yaml'));
});

afterAll(async () => {
  chart.remove();
  const kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
  await deleteNamespace(kc, releaseNamespace);
  await deleteNamespace(kc, watchedNamespace);
});

function find(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} rendered`);
  return found;
}

describe('helm lint', () => {
  it.each([
    ['default values', []],
    ['every optional feature on', ['--values', allFeatures, '--set', 'rbac.scope=namespace']],
  ])('passes with %s', async (_label, args) => {
    const result = await runCommand(helm, ['lint', '--strict', chart.dir, ...args]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

describe('server-side dry run of the rendered chart', () => {
  it.each([
    ['default values', {}, []],
    ['every feature on, cluster-wide', { 'rbac.scope': 'cluster' }, [allFeatures]],
    ['every feature on, one namespace', { 'rbac.scope': 'namespace' }, [allFeatures]],
  ] as const)('%s: every object is accepted', async (_label, set, values) => {
    const rendered = await helmTemplate(helm, chart.dir, {
      namespace: releaseNamespace,
      set: { ...set, ...(values.length ? { 'watchNamespaces[0]': watchedNamespace } : {}) },
      values,
    });
    expect(rendered.stderr).toBe('');
    const kinds = objectsOf(rendered.stdout).map((o) => o.kind);
    const applied = await applyYaml(k, rendered.stdout, { dryRun: true });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split('\n')).toHaveLength(kinds.length);
    if (values.length) {
      expect(kinds).toEqual(
        expect.arrayContaining([
          'ServiceMonitor',
          'PrometheusRule',
          'NetworkPolicy',
          'ConfigMap',
          'PodDisruptionBudget',
        ]),
      );
    }
  });
});

describe('the operator Deployment with default values', () => {
  let objects: Manifest[];
  beforeAll(async () => {
    objects = await renderChart(helm, chart.dir, { namespace: 'syncflow-system' });
  });

  it('runs two replicas of the chart appVersion image with leader election', () => {
    const deployment = find(objects, 'Deployment') as Manifest & { spec: DeploymentSpec };
    expect(deployment.spec.replicas).toBe(2);
    const [container] = deployment.spec.template.spec.containers;
    expect(container?.image).toBe('ghcr.io/syncflow/syncflow:0.1.0');
    expect(container?.command).toEqual(['node', 'dist/operator/main.js']);
    expect(container?.args).toEqual(
      expect.arrayContaining([
        '--leader-elect=true',
        '--lease-namespace=syncflow-system',
        '--instance-id=default',
        '--image=ghcr.io/syncflow/syncflow:0.1.0',
      ]),
    );
    expect(container?.args.some((a) => a.startsWith('--namespace'))).toBe(false);
  });

  it('probes /healthz and /readyz and runs restricted with a writable /tmp only', () => {
    const deployment = find(objects, 'Deployment') as Manifest & { spec: DeploymentSpec };
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(container?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container?.resources.requests).toBeDefined();
    expect(container?.resources.limits).toBeDefined();
  });

  it('renders no optional monitoring or network objects', () => {
    const kinds = objects.map((o) => o.kind);
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'NetworkPolicy', 'ConfigMap'])
      expect(kinds).not.toContain(kind);
    expect(kinds).toEqual(expect.arrayContaining(['PodDisruptionBudget', 'Service']));
  });
});

describe('the operator flags the chart renders', () => {
  it.each([
    ['default values', {}, [], { namespace: '', instanceId: 'default', replicas: 2 }],
    [
      'every feature on',
      { 'rbac.scope': 'namespace', 'watchNamespaces[0]': 'acme-prod' },
      [allFeatures],
      { namespace: 'acme-prod', instanceId: 'acme-prod', replicas: 3 },
    ],
  ] as const)('are accepted by the operator with %s', async (_label, set, values, expected) => {
    const objects = await renderChart(helm, chart.dir, {
      namespace: 'syncflow-system',
      set,
      values,
    });
    const deployment = find(objects, 'Deployment') as Manifest & { spec: DeploymentSpec };
    const pod = deployment.spec.template.spec as DeploymentSpec['template']['spec'] & {
      terminationGracePeriodSeconds: number;
    };
    const [container] = pod.containers;
    const { values: flags } = parseArgs({
      args: container?.args ?? [],
      options: flagOptions(),
      strict: true,
      allowPositionals: false,
    });
    const config = loadConfig({ POD_NAMESPACE: 'syncflow-system' }, flags);
    expect(config).toMatchObject({
      namespace: expected.namespace,
      instanceId: expected.instanceId,
      image: container?.image,
      metricsPort: 8080,
      probePort: 8081,
      leaderElection: true,
      leaseNamespace: 'syncflow-system',
    });
    expect(deployment.spec.replicas).toBe(expected.replicas);
    expect(config.shutdownGracePeriodMs).toBeLessThan(pod.terminationGracePeriodSeconds * 1000);
  });
});

describe('RBAC scope', () => {
  it('namespace scope grants the operator a Role in the watched namespace, nothing cluster-wide', async () => {
    const objects = await renderChart(helm, chart.dir, {
      namespace: 'syncflow-system',
      set: { 'rbac.scope': 'namespace', 'watchNamespaces[0]': 'acme-prod' },
    });
    const clusterRoles = objects.filter((o) => o.kind === 'ClusterRole');
    expect(clusterRoles.map((o) => o.metadata.name).sort()).toEqual([
      'syncflow-edit',
      'syncflow-view',
    ]);
    expect(objects.filter((o) => o.kind === 'ClusterRoleBinding')).toEqual([]);
    const roles = objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace);
    expect(roles).toContain('acme-prod');
    const deployment = find(objects, 'Deployment') as Manifest & { spec: DeploymentSpec };
    expect(deployment.spec.template.spec.containers[0]?.args).toContain('--namespace=acme-prod');
  });

  it('cluster scope binds one ClusterRole to the ServiceAccount', async () => {
    const objects = await renderChart(helm, chart.dir, { namespace: 'syncflow-system' });
    const binding = find(objects, 'ClusterRoleBinding') as Manifest & {
      roleRef: { name: string };
      subjects: { name: string; namespace: string }[];
    };
    expect(find(objects, 'ClusterRole', binding.roleRef.name)).toBeDefined();
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'syncflow-syncflow-operator', namespace: 'syncflow-system' },
    ]);
  });
});

describe('the CRDs in the chart', () => {
  it('are the three CRDs, kept on uninstall, unless another release owns them', async () => {
    const crdsOf = async (set: Record<string, string>): Promise<Manifest[]> =>
      (await renderChart(helm, chart.dir, { namespace: 'syncflow-system', set })).filter(
        (o) => o.kind === 'CustomResourceDefinition',
      );
    const crds = await crdsOf({});
    expect(crds.map((o) => o.metadata.name).sort()).toEqual([
      'syncconnections.syncflow.io',
      'syncflowreplays.syncflow.io',
      'syncflows.syncflow.io',
    ]);
    for (const crd of crds) {
      const { annotations, ...metadata } = crd.metadata as Manifest['metadata'] & {
        annotations: unknown;
      };
      expect(annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      const file = `${crd.metadata.name.split('.')[0]?.replace(/s$/, '') ?? ''}.yaml`;
      const source = parse(readFileSync(join(repoRoot, 'crds', file), 'utf8')) as Manifest;
      expect({ ...crd, metadata }, `the chart renders crds/${file} as it is`).toEqual(source);
    }
    const unkept = await crdsOf({ 'crds.keep': 'false' });
    expect(unkept.map((o) => o.metadata)).not.toContainEqual(
      expect.objectContaining({ annotations: expect.anything() as unknown }),
    );
    expect(await crdsOf({ 'crds.install': 'false' })).toEqual([]);
  });
});

describe('the egress NetworkPolicy of flow pods', () => {
  it('selects the pods the operator manages and allows DNS plus the configured CIDRs', async () => {
    const objects = await renderChart(helm, chart.dir, {
      namespace: 'syncflow-system',
      values: [allFeatures],
      set: { 'watchNamespaces[0]': 'acme-prod' },
    });
    const policy = find(objects, 'NetworkPolicy') as Manifest & { spec: NetworkPolicySpec };
    expect(policy.metadata.namespace).toBe('acme-prod');
    expect(policy.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/managed-by': 'syncflow-operator' },
    });
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    const [dns, internal, external] = policy.spec.egress;
    expect(dns?.ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(internal?.to).toEqual([
      { ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.99.0/24'] } },
    ]);
    expect(internal?.ports).toContainEqual({ port: 9092, endPort: 9094, protocol: 'TCP' });
    expect(external?.to).toEqual([{ ipBlock: { cidr: '203.0.113.10/32' } }]);
    expect(policy.spec.egress).toHaveLength(4);
  });
});

describe('values.schema.json', () => {
  it.each([
    [{ replicas: 'two' }, /replicas.*(integer|number)/i],
    [{ 'rbac.scope': 'everywhere' }, /rbac\/scope|rbac\.scope|scope/],
    [{ instanceId: 'Acme_Prod' }, /instanceId/],
    [{ replica: '2' }, /replica/],
    [{ 'watchNamespaces[0]': 'a', 'watchNamespaces[1]': 'b' }, /watchNamespaces/],
    [{ 'metrics.prometheusRule.lagOverBudgetFor': 'ten minutes' }, /lagOverBudgetFor/],
  ])('rejects %j with a message naming the value', async (set, message) => {
    const result = await helmTemplate(helm, chart.dir, {
      namespace: 'syncflow-system',
      set: Object.fromEntries(Object.entries(set).map(([key, value]) => [key, String(value)])),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toMatch(message);
  });

  it('says what is wrong with replicas: "two" in one line', async () => {
    const result = await helmTemplate(helm, chart.dir, {
      namespace: 'syncflow-system',
      values: [join(fixtures, 'values-replicas-two.yaml')],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at '\/replicas': got string, want integer/);
  });
});

interface Container {
  image: string;
  command: string[];
  args: string[];
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  securityContext: unknown;
  volumeMounts: unknown[];
  resources: { requests?: unknown; limits?: unknown };
}

interface DeploymentSpec {
  replicas: number;
  template: { spec: { containers: Container[]; securityContext: unknown; volumes: unknown[] } };
}

interface NetworkPolicySpec {
  podSelector: unknown;
  policyTypes: string[];
  egress: { to: { ipBlock?: { cidr: string } }[]; ports?: unknown[] }[];
}
