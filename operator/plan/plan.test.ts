/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   the tests read deep into generated JSON manifests; a typed path per assertion would hide what is checked. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  approveAnnotation,
  intentHashAnnotation,
  plan,
  type Manifest,
  type PlanInput,
} from './plan.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples', 'acme-distributor');
const documents = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(examples, f), 'utf8')).map((d) => d.toJS() as Manifest),
  );
const connections = documents
  .filter((d) => d.kind === 'SyncConnection')
  .map((d) => ({ name: d.metadata?.name ?? '', spec: d['spec'] }));
const flowSpec = (name: string): Record<string, unknown> => {
  const doc = documents.find((d) => d.kind === 'SyncFlow' && d.metadata?.name === name);
  if (!doc) throw new Error(`no example ${name}`);
  return structuredClone(doc['spec']) as Record<string, unknown>;
};

function input(name: string, more: Partial<PlanInput> = {}, spec = flowSpec(name)): PlanInput {
  return {
    flow: { metadata: { namespace: 'acme', name, uid: `uid-${name}`, generation: 3 }, spec },
    connections,
    children: [],
    pods: [],
    settings: { image: 'ghcr.io/syncflow/syncflow:1.0.0', instanceId: 'prod' },
    now: Date.UTC(2026, 0, 1),
    ...more,
  };
}

const byKind = (objects: Manifest[], kind: string): Manifest[] =>
  objects.filter((o) => o.kind === kind);
const podSpecOf = (o: Manifest): Record<string, any> => {
  const spec = o['spec'] as Record<string, any>;
  return o.kind === 'CronJob' ? spec['jobTemplate'].spec.template.spec : spec['template'].spec;
};

describe('plan: the example flows', () => {
  it.each([
    {
      name: 'inventory-fast',
      kind: 'Deployment',
      args: ['consume'],
      schedule: undefined,
      sweep: true,
    },
    {
      name: 'customer-company',
      kind: 'CronJob',
      args: ['poll'],
      schedule: '*/15 * * * *',
      sweep: false,
    },
    {
      name: 'customer-address',
      kind: 'CronJob',
      args: ['batch'],
      schedule: '0 2 * * *',
      sweep: false,
    },
    { name: 'credit', kind: 'Deployment', args: ['poll'], schedule: undefined, sweep: false },
    {
      name: 'catalog-products',
      kind: 'CronJob',
      args: ['poll'],
      schedule: '0 * * * *',
      sweep: false,
    },
  ])('$name → $kind $args', ({ name, kind, args, schedule, sweep }) => {
    const result = plan(input(name));
    expect(result.stalled).toBeUndefined();
    const workloads = result.apply.filter(
      (o) => ['Deployment', 'CronJob'].includes(o.kind ?? '') && o.metadata?.name === name,
    );
    expect(workloads.map((w) => w.kind)).toEqual([kind]);
    const pod = podSpecOf(workloads[0]!);
    expect(pod['containers'][0].args).toEqual(args);
    // A batch import runs with heap flags that keep its peak RSS flat (bench/batch.ts).
    expect(pod['containers'][0].command).toEqual(
      args[0] === 'batch'
        ? ['node', '--max-semi-space-size=8', '--heap-growing-percent=30', 'dist/runtime/main.js']
        : ['node', 'dist/runtime/main.js'],
    );
    expect(pod['containers'][0].image).toBe('ghcr.io/syncflow/syncflow:1.0.0');
    expect(result.status.schedule).toBe(schedule);
    expect(result.status.workload).toEqual({ kind, name });
    expect(byKind(result.apply, 'CronJob').some((c) => c.metadata?.name === `${name}-sweep`)).toBe(
      sweep,
    );
  });

  it('every example plans; every child has labels, an owner and the restricted profile', () => {
    for (const doc of documents.filter((d) => d.kind === 'SyncFlow')) {
      const name = doc.metadata?.name ?? '';
      const result = plan(input(name));
      expect(result.stalled, name).toBeUndefined();
      for (const child of result.apply) {
        expect(child.metadata?.labels).toMatchObject({
          'app.kubernetes.io/name': 'syncflow',
          'app.kubernetes.io/managed-by': 'syncflow-operator',
          'syncflow.io/flow': name,
        });
        expect(child.metadata?.ownerReferences).toEqual([
          {
            apiVersion: 'syncflow.io/v1alpha1',
            kind: 'SyncFlow',
            name,
            uid: `uid-${name}`,
            controller: true,
            blockOwnerDeletion: true,
          },
        ]);
      }
      for (const workload of result.apply.filter((o) =>
        ['Deployment', 'CronJob', 'Job'].includes(o.kind ?? ''),
      )) {
        const pod = podSpecOf(workload);
        expect(pod['serviceAccountName']).toBe(name);
        expect(pod['automountServiceAccountToken']).toBe(false);
        expect(pod['securityContext']).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 10001,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod['containers'][0].securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod['containers'][0].volumeMounts).toContainEqual({
          name: 'tmp',
          mountPath: '/tmp',
        });
      }
    }
  });
});

describe('plan: children', () => {
  const fast = plan(input('inventory-fast'));
  const find = (kind: string, name: string): Manifest => {
    const found = fast.apply.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!found) throw new Error(`${kind}/${name} missing`);
    return found;
  };

  it('the ConfigMap carries FlowConfig without secrets, and its hash is on the pod template', () => {
    const data = find('ConfigMap', 'inventory-fast-config')['data'] as Record<string, string>;
    const config = JSON.parse(data['flow.json']!);
    expect(config).toMatchObject({
      configVersion: 1,
      instanceId: 'prod',
      flow: { namespace: 'acme', name: 'inventory-fast', uid: 'uid-inventory-fast', generation: 3 },
      plan: { pattern: 'event', mode: 'consume', maxLagSeconds: 60 },
    });
    expect(Object.keys(config.connections).sort()).toEqual([
      'commerce',
      'erp-sap',
      'kafka',
      'redis',
    ]);
    expect(config.connections.kafka.secretDir).toBe('/var/run/secrets/syncflow/kafka/');
    expect(data['flow.json']).not.toContain('REPLACE_ME');
    const template = (find('Deployment', 'inventory-fast')['spec'] as any).template;
    expect(template.metadata.annotations['syncflow.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('mounts each connection Secret read-only at its secretDir, the CA bundle inside it', () => {
    const pod = podSpecOf(find('Deployment', 'inventory-fast'));
    const mounts = pod['containers'][0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'config', mountPath: '/etc/syncflow', readOnly: true });
    const kafkaMount = mounts.find((m: any) => m.mountPath === '/var/run/secrets/syncflow/kafka');
    expect(kafkaMount.readOnly).toBe(true);
    const volume = pod['volumes'].find((v: any) => v.name === kafkaMount.name);
    expect(volume.projected.sources).toEqual([
      { secret: { name: 'kafka-syncflow' } },
      {
        secret: {
          name: 'acme-kafka-cluster-ca-cert',
          items: [{ key: 'ca.crt', path: 'tls/ca.crt' }],
        },
      },
    ]);
    expect(pod['containers'][0].env).toEqual([
      { name: 'SYNCFLOW_CONFIG', value: '/etc/syncflow/flow.json' },
    ]);
  });

  it('gives a batch flow with spec.archive its Kafka connection in the config and its Secret', () => {
    const slow = plan(input('inventory-slow'));
    const data = slow.apply.find((o) => o.kind === 'ConfigMap')?.['data'] as Record<string, string>;
    const config = JSON.parse(data['flow.json']!);
    expect(config.flow.spec.archive).toEqual({ connection: 'kafka', keepRuns: 48 });
    expect(config.connections.kafka).toMatchObject({
      spec: { type: 'kafka' },
      secretDir: '/var/run/secrets/syncflow/kafka/',
    });
    const pod = podSpecOf(byKind(slow.apply, 'CronJob')[0]!);
    const mount = pod['containers'][0].volumeMounts.find(
      (m: any) => m.mountPath === '/var/run/secrets/syncflow/kafka',
    );
    const volume = pod['volumes'].find((v: any) => v.name === mount?.name);
    expect(volume.projected.sources[0]).toEqual({ secret: { name: 'kafka-syncflow' } });
  });

  it('the Deployment uses spec.workload replicas and resources over the defaults, with a metrics port', () => {
    const deployment = find('Deployment', 'inventory-fast')['spec'] as any;
    expect(deployment.replicas).toBe(2);
    const c = deployment.template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '192Mi' },
      limits: { memory: '512Mi' },
    });
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
  });

  it('the sweep CronJob polls hourly with Forbid, a starting deadline and history limits', () => {
    const sweep = find('CronJob', 'inventory-fast-sweep')['spec'] as any;
    expect(sweep).toMatchObject({
      schedule: '30 * * * *',
      timeZone: 'America/Chicago',
      suspend: false,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
    });
    expect(sweep.jobTemplate.spec.template.spec.containers[0].args).toEqual(['poll']);
    expect(sweep.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(fast.status.sweep).toEqual({ name: 'inventory-fast-sweep', schedule: '30 * * * *' });
  });

  it('the ServiceAccount mounts no token', () => {
    expect(find('ServiceAccount', 'inventory-fast')['automountServiceAccountToken']).toBe(false);
  });
});

describe('plan: suspend', () => {
  it.each([
    { name: 'inventory-fast', kind: 'Deployment', field: 'replicas', value: 0 },
    { name: 'customer-company', kind: 'CronJob', field: 'suspend', value: true },
  ])('$kind: $field = $value', ({ name, kind, field, value }) => {
    const result = plan(input(name, {}, { ...flowSpec(name), suspend: true }));
    const workload = result.apply.find((o) => o.kind === kind && o.metadata?.name === name)!;
    expect((workload['spec'] as any)[field]).toEqual(value);
  });
});

describe('plan: initial sync', () => {
  const observedConfigMap: Manifest = {
    kind: 'ConfigMap',
    metadata: { name: 'catalog-products-config' },
  };
  const observedJob: Manifest = {
    kind: 'Job',
    metadata: { name: 'catalog-products-initial-sync' },
  };
  it.each([
    { when: 'the flow is new', children: [], created: true, pruned: false },
    {
      when: 'the Job runs and the flow exists',
      children: [observedConfigMap, observedJob],
      created: false,
      pruned: false,
    },
    {
      when: 'the Job completed and was deleted',
      children: [observedConfigMap],
      created: false,
      pruned: false,
    },
  ])('$when', ({ children, created, pruned }) => {
    const result = plan(input('catalog-products', { children }));
    const job = result.apply.find((o) => o.kind === 'Job');
    expect(job !== undefined).toBe(created);
    expect(result.prune.some((p) => p.kind === 'Job')).toBe(pruned);
    if (job) {
      const pod = (job['spec'] as any).template.spec;
      expect(pod.containers[0].args).toEqual(['poll', '--initial-sync']);
      expect(pod.restartPolicy).toBe('Never');
    }
  });
});

describe('plan: applies only what changed and prunes what is no longer wanted', () => {
  it('observed children with the same intent hash are not applied again', () => {
    const first = plan(input('customer-company'));
    const second = plan(input('customer-company', { children: first.apply }));
    expect(second.apply).toEqual([]);
    expect(second.prune).toEqual([]);
  });

  it.each([
    {
      from: '60s',
      to: '30m',
      removed: [
        { kind: 'Deployment', name: 'inventory-fast' },
        { kind: 'CronJob', name: 'inventory-fast-sweep' },
      ],
    },
    { from: '30m', to: '24h', removed: [] },
    { from: '24h', to: '60s', removed: [{ kind: 'CronJob', name: 'inventory-fast' }] },
  ])('maxLag $from → $to', ({ from, to, removed }) => {
    const before = plan(
      input('inventory-fast', {}, { ...flowSpec('inventory-fast'), maxLag: from }),
    );
    const after = plan(
      input(
        'inventory-fast',
        { children: before.apply },
        { ...flowSpec('inventory-fast'), maxLag: to },
      ),
    );
    expect(after.prune).toEqual(removed);
    const workloads = [...before.apply, ...after.apply].filter(
      (o) =>
        o.metadata?.name === 'inventory-fast' && ['Deployment', 'CronJob'].includes(o.kind ?? ''),
    );
    expect(workloads.at(-1)?.metadata?.annotations?.[intentHashAnnotation]).toBeDefined();
  });
});

describe('plan: stalled flows change nothing and say what to fix', () => {
  it.each([
    {
      why: 'a missing connection',
      spec: { ...flowSpec('customer-company'), sink: { connection: 'shop' } },
      reason: 'InvalidSpec',
      message: /spec\.sink\.connection: no SyncConnection named shop/,
    },
    {
      why: 'a spec the schema rejects',
      spec: { ...flowSpec('customer-company'), maxLag: 'soon' },
      reason: 'InvalidSpec',
      message: /spec\.maxLag/,
    },
    {
      why: 'an impossible pattern',
      spec: { ...flowSpec('customer-address'), maxLag: '30s' },
      reason: 'ImpossiblePattern',
      message: /raise maxLag/,
    },
  ])('$why', ({ spec, reason, message }) => {
    const result = plan(input('customer-company', {}, spec));
    expect(result.stalled?.reason).toBe(reason);
    expect(result.stalled?.message).toMatch(message);
    expect(result.apply).toEqual([]);
    expect(result.prune).toEqual([]);
    expect(result.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Stalled', status: 'True', reason }),
    );
    expect(result.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    );
  });

  it('a name too long for a CronJob', () => {
    const name = 'a'.repeat(53);
    const result = plan({
      ...input('customer-company'),
      flow: {
        metadata: { namespace: 'acme', name, uid: 'u', generation: 1 },
        spec: flowSpec('customer-company'),
      },
    });
    expect(result.stalled?.message).toMatch(
      /metadata\.name: the CronJob a+ would be longer than 52 characters; give the SyncFlow a name of at most 52 characters/,
    );
  });

  it('an invalid connection the flow uses', () => {
    const broken = connections.map((c) =>
      c.name === 'redis' ? { name: 'redis', spec: { type: 'redis' } } : c,
    );
    const result = plan(input('customer-company', { connections: broken }));
    expect(result.stalled?.reason).toBe('InvalidConnection');
    expect(result.stalled?.message).toMatch(/SyncConnection redis is invalid/);
  });
});

describe('plan: the syncflow.io/approve annotation', () => {
  const annotated = (name: string): PlanInput => {
    const base = input(name);
    const metadata = { ...base.flow.metadata, annotations: { [approveAnnotation]: 'ticket-1' } };
    return { ...base, flow: { ...base.flow, metadata } };
  };
  const envOf = (result: ReturnType<typeof plan>, kind: string): Record<string, string> => {
    const workload = result.apply.find((o) => o.kind === kind);
    if (!workload) throw new Error(`no ${kind}`);
    const env = podSpecOf(workload)['containers'][0].env as { name: string; value: string }[];
    return Object.fromEntries(env.map((e) => [e.name, e.value]));
  };

  it.each([
    { name: 'customer-address', kind: 'CronJob', passed: true },
    { name: 'customer-company', kind: 'CronJob', passed: true },
    { name: 'inventory-fast', kind: 'Deployment', passed: false },
  ])('$name: passed to its $kind runs → $passed', ({ name, kind, passed }) => {
    const result = plan(annotated(name));
    expect(envOf(result, kind)['SYNCFLOW_APPROVED_RUN']).toBe(passed ? 'ticket-1' : undefined);
    expect(result.status.lastHandledApproval).toBe('ticket-1');
    expect(envOf(plan(input(name)), kind)['SYNCFLOW_APPROVED_RUN']).toBeUndefined();
  });
});
