// Operator at scale: 1,000 SyncFlows applied at once. Measures the time until every flow is
// planned and Ready, the operator's peak RSS (VmHWM of its process), and the API requests it made;
// and, in the same run, the time to create the same objects (SyncFlows and children) directly with
// the client. Two phases of each, in the order direct, operator, operator, direct.
// `npm run bench -- operator` prints a table and writes bench-results/operator.json.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { syncFlows } from '../operator/controller/syncflow-resources.ts';
import { plan } from '../operator/plan/plan.ts';
import { installCrds, kubeConfigFrom } from '../test/api/api-server.ts';
import { startEnvironment } from '../test/env/start-environment.ts';
import {
  adminClient,
  createAll,
  exampleObjects,
  resourcesByKind,
  type Manifest,
} from '../test/operator/syncflow-operator.ts';
import type { KubeClient } from '../operator/kube/client.ts';
import {
  controlPlaneCpuSeconds,
  controlPlaneProcesses,
  controlPlaneQuiet,
  cpuSecondsOf,
  cpuSpent,
  rssKb,
  totalOf,
  type ControlPlaneCpu,
} from './process-stats.ts';

interface Measurement {
  metric: string;
  value: number;
  unit: string;
  /** e.g. '<= 2' or '< 200'; none for a plain observation. */
  target?: string;
}

const flows = Number(process.env['BENCH_FLOWS'] ?? 1000);
// Extra node flags for profiling runs (e.g. --cpu-prof), after those of `npm run operator`.
const heapFlags = (process.env['BENCH_HEAP_FLAGS'] ?? '').split(' ').filter(Boolean);
const concurrency = 16;
const image = 'ghcr.io/syncflow/syncflow:bench';
const namespaceResource = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};

async function inParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function flowObjects(): Manifest[] {
  const [base] = exampleObjects('flow-customer-company.yaml');
  return Array.from({ length: flows }, (_, i) => ({ ...base!, metadata: { name: `flow-${i}` } }));
}

async function setUp(admin: KubeClient, namespace: string): Promise<void> {
  await admin.create(namespaceResource, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await createAll(admin, namespace, [
    ...exampleObjects('secrets.yaml'),
    ...exampleObjects('connections.yaml'),
  ]);
}

/**
 * The objects the operator run ends with, created directly: the SyncFlows, then the children the
 * same planner makes for each (owned by its SyncFlow, as the operator's are). Both runs start from
 * nothing and create the SyncFlows; the operator's run also plans, writes status and Events.
 */
async function directCreationMs(admin: KubeClient, namespace: string): Promise<number> {
  const connections = exampleObjects('connections.yaml').map((c) => ({
    name: c.metadata!.name!,
    spec: c.spec,
  }));
  const started = performance.now();
  const created: Manifest[] = [];
  await inParallel(flowObjects(), async (f) => {
    created.push(
      await admin.create<Manifest>(syncFlows, { ...f, metadata: { ...f.metadata, namespace } }),
    );
  });
  const children = created.flatMap(
    (f) =>
      plan({
        flow: {
          metadata: {
            namespace,
            name: f.metadata!.name!,
            uid: f.metadata!.uid!,
            generation: f.metadata!.generation ?? 1,
          },
          spec: f.spec,
        },
        connections,
        children: [],
        pods: [],
        settings: { image, instanceId: 'bench' },
        now: Date.now(),
      }).apply as Manifest[],
  );
  await inParallel(children, (c) => admin.create(resourcesByKind[c.kind!]!, c));
  return performance.now() - started;
}

const isReady = (f: Manifest): boolean =>
  (f as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) ?? false;

function operatorRequests(metrics: string): number {
  let total = 0;
  for (const m of metrics.matchAll(/^rest_client_requests_total\{[^}]*\} ([0-9.e+]+)$/gm))
    total += Number(m[1]);
  return total;
}

/**
 * Resolves with the number of Ready flows: all of them, or as many as were Ready at the deadline.
 * Watches the flows (list, then watch from its resourceVersion) rather than listing 1,000 flows
 * over and over: the watch sees the moment the last one turns Ready and loads the apiserver no
 * more than the operator's own informer does.
 */
async function waitUntilAllReady(
  admin: KubeClient,
  namespace: string,
  deadlineMs: number,
): Promise<number> {
  const ready = new Set<string>();
  const note = (f: Manifest): void => {
    if (isReady(f)) ready.add(f.metadata!.name!);
    else ready.delete(f.metadata!.name!);
  };
  while (ready.size < flows && performance.now() < deadlineMs) {
    const { items, resourceVersion } = await admin.list<Manifest>(syncFlows, { namespace });
    items.forEach(note);
    if (ready.size === flows) break;
    const stop = new AbortController();
    const remainingS = Math.max(1, Math.ceil((deadlineMs - performance.now()) / 1000));
    await admin
      .watch<Manifest>(
        syncFlows,
        {
          namespace,
          resourceVersion,
          timeoutSeconds: Math.min(remainingS, 300),
          inactivityTimeoutMs: 60_000,
          signal: stop.signal,
        },
        (event) => {
          if (event.type === 'ADDED' || event.type === 'MODIFIED') note(event.object);
          if (ready.size === flows) stop.abort();
        },
      )
      .catch((err: unknown) => {
        if (!stop.signal.aborted) throw err;
      });
  }
  return ready.size;
}

/** Waits until the operator answers /readyz (its caches have synced). */
async function operatorReady(probePort: number): Promise<void> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${probePort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface OperatorRun {
  ready: number;
  idleRssKb: number;
  operatorMs: number;
  peakRssKb: number;
  cpuSeconds: number;
  controlPlane: ControlPlaneCpu;
  requests: number;
}

/**
 * The operator as the image runs it: the bundle `npm run build` writes (into a temporary folder),
 * with the node flags of `npm run operator` (the heap flags the chart derives from the default
 * memory limit), so the bench measures the process users run.
 */
function operatorCommand(): string[] {
  const root = join(import.meta.dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [node, ...args] = (pkg.scripts['operator'] ?? '').split(/\s+/);
  if (node !== 'node' || args.at(-1) !== 'operator/main.ts')
    throw new Error(
      `npm run operator is not "node [flags] operator/main.ts": ${pkg.scripts['operator']}`,
    );
  // As in the image: /app/dist beside /app/package.json, whose "type": "module" spares Node the
  // module-syntax detection of a .js file (28 MB more resident memory without it).
  const app = mkdtempSync(join(tmpdir(), 'syncflow-bench-app-'));
  const dist = join(app, 'dist');
  execFileSync(process.execPath, ['esbuild.config.ts', dist], { cwd: root, stdio: 'inherit' });
  copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
  return [...args.slice(0, -1), join(dist, 'operator', 'main.js')];
}

async function measureOperator(
  admin: KubeClient,
  { kubeconfig, namespace }: { kubeconfig: string; namespace: string },
  controlPlaneCpu: () => ControlPlaneCpu,
): Promise<OperatorRun> {
  const metricsPort = 18_000 + Math.floor(Math.random() * 1000);
  const nodeFlags = operatorCommand();
  const entry = nodeFlags.pop()!;
  const args = [
    ...nodeFlags,
    ...heapFlags,
    entry,
    '--namespace',
    namespace,
    '--image',
    image,
    '--leader-elect',
    'false',
  ];
  args.push('--metrics-port', String(metricsPort), '--probe-port', String(metricsPort + 1));
  // As many workers as the direct creation has parallel requests.
  args.push('--max-concurrent-reconciles', String(concurrency), '--log-level', 'warn');
  const operator = spawn(process.execPath, args, {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await operatorReady(metricsPort + 1);
    // A moment for what starts with the caches (controllers' workers), then the RSS at rest.
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssKb = rssKb(operator.pid!);
    await controlPlaneQuiet(controlPlaneCpu);
    const controlPlaneAtStart = controlPlaneCpu();
    const started = performance.now();
    await inParallel(flowObjects(), (f) =>
      admin.create(syncFlows, { ...f, metadata: { ...f.metadata, namespace } }),
    );
    const ready = await waitUntilAllReady(admin, namespace, started + 10 * 60_000);
    const operatorMs = performance.now() - started;
    const status = readFileSync(`/proc/${operator.pid}/status`, 'utf8');
    const peakRssKb = Number(/VmHWM:\s+([0-9]+) kB/.exec(status)?.[1] ?? 0);
    const cpuSeconds = cpuSecondsOf(operator.pid!);
    const controlPlane = cpuSpent(controlPlaneAtStart, controlPlaneCpu());
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    if (process.env['BENCH_METRICS_FILE'])
      writeFileSync(process.env['BENCH_METRICS_FILE'], metrics);
    const requests = operatorRequests(metrics);
    return { ready, idleRssKb, operatorMs, peakRssKb, cpuSeconds, controlPlane, requests };
  } finally {
    operator.kill('SIGTERM');
  }
}

interface DirectRun {
  directMs: number;
  controlPlane: ControlPlaneCpu;
}

async function measureDirect(
  admin: KubeClient,
  namespace: string,
  controlPlaneCpu: () => ControlPlaneCpu,
): Promise<DirectRun> {
  await controlPlaneQuiet(controlPlaneCpu);
  const atStart = controlPlaneCpu();
  const directMs = await directCreationMs(admin, namespace);
  return { directMs, controlPlane: cpuSpent(atStart, controlPlaneCpu()) };
}

/** The four phases in their order: direct, operator, operator, direct. */
interface Phases {
  direct: [DirectRun, DirectRun];
  operator: [OperatorRun, OperatorRun];
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length;
const seconds = (value: number): number => Number(value.toFixed(2));

function timeRows({ direct, operator }: Phases): Measurement[] {
  const directMs = direct[0].directMs + direct[1].directMs;
  const operatorMs = operator[0].operatorMs + operator[1].operatorMs;
  return [
    ...direct.map((d, i) => ({
      metric: `direct creation of the SyncFlows and their children, ${i === 0 ? 'first' : 'last'} phase`,
      value: Math.round(d.directMs),
      unit: 'ms',
    })),
    ...operator.map((o, i) => ({
      metric: `operator: apply to all planned and Ready, ${i === 0 ? 'second' : 'third'} phase`,
      value: Math.round(o.operatorMs),
      unit: 'ms',
    })),
    {
      metric: 'operator time / direct time (both phases of each)',
      value: seconds(operatorMs / directMs),
      unit: 'x',
      target: '<= 2',
    },
  ];
}

/** The control plane's CPU per phase of a kind: in all, then per process. */
function controlPlaneRows(
  phase: string,
  runs: readonly { controlPlane: ControlPlaneCpu }[],
): Measurement[] {
  const per = (value: (cpu: ControlPlaneCpu) => number): number =>
    seconds(mean(runs.map((r) => value(r.controlPlane))));
  return [
    { metric: `control plane CPU per ${phase}`, value: per(totalOf), unit: 's' },
    ...controlPlaneProcesses.map((name) => ({
      metric: `  of which ${name}`,
      value: per((cpu) => cpu[name]),
      unit: 's',
    })),
  ];
}

function measurementsOf(phases: Phases): Measurement[] {
  const { direct, operator } = phases;
  return [
    { metric: 'flows', value: flows, unit: 'SyncFlows' },
    {
      metric: 'flows Ready within 10 min (the fewer of the two runs)',
      value: Math.min(...operator.map((o) => o.ready)),
      unit: 'SyncFlows',
      target: `>= ${flows}`,
    },
    ...timeRows(phases),
    {
      metric: 'operator RSS at idle (caches synced)',
      value: Math.round(operator[0].idleRssKb / 1024),
      unit: 'MB',
    },
    {
      metric: 'operator peak RSS (the higher of the two runs)',
      value: Math.round(Math.max(...operator.map((o) => o.peakRssKb)) / 1024),
      unit: 'MB',
      target: '< 200',
    },
    {
      metric: 'operator API requests per run',
      value: Math.round(mean(operator.map((o) => o.requests))),
      unit: 'requests',
    },
    {
      metric: 'operator CPU time per run',
      value: seconds(mean(operator.map((o) => o.cpuSeconds))),
      unit: 's',
    },
    ...controlPlaneRows('direct creation', direct),
    ...controlPlaneRows('operator run', operator),
    {
      // The floor under the time ratio: the phases are CPU-bound and the control plane is most of it.
      metric: 'control plane CPU, operator run / direct creation',
      value: seconds(
        mean(operator.map((o) => totalOf(o.controlPlane))) /
          mean(direct.map((d) => totalOf(d.controlPlane))),
      ),
      unit: 'x',
    },
  ];
}

/**
 * Direct, operator, operator, direct (an ABBA order), each into a namespace of its own and from a
 * quiet control plane: the cluster holds more objects with every phase and the apiserver's heap
 * grows, so a fixed order would charge that drift to whichever side always runs second. Each
 * operator run is a new process watching its own namespace.
 */
async function run(): Promise<Measurement[]> {
  const env = await startEnvironment({ kube: true, node: 'simulate' });
  try {
    const kubeconfig = env.kubeconfig!;
    await installCrds(kubeConfigFrom(kubeconfig));
    const admin = adminClient(kubeconfig);
    const namespaces = ['bench-direct-1', 'bench-operator-1', 'bench-operator-2', 'bench-direct-2'];
    for (const namespace of namespaces) await setUp(admin, namespace);
    // etcd, apiserver and controller manager of this run, before and after each phase.
    const controlPlaneCpu = (): ControlPlaneCpu => controlPlaneCpuSeconds(dirname(kubeconfig));
    const [d1, o1, o2, d2] = namespaces as [string, string, string, string];
    const firstDirect = await measureDirect(admin, d1, controlPlaneCpu);
    const firstOperator = await measureOperator(
      admin,
      { kubeconfig, namespace: o1 },
      controlPlaneCpu,
    );
    const secondOperator = await measureOperator(
      admin,
      { kubeconfig, namespace: o2 },
      controlPlaneCpu,
    );
    const secondDirect = await measureDirect(admin, d2, controlPlaneCpu);
    return measurementsOf({
      direct: [firstDirect, secondDirect],
      operator: [firstOperator, secondOperator],
    });
  } finally {
    await env.stop();
  }
}

function passes(value: number, target: string | undefined): boolean | null {
  const match = target?.match(/^(<=|<|>=)\s*([0-9.]+)$/);
  if (!match) return null;
  const bound = Number(match[2]);
  if (match[1] === '>=') return value >= bound;
  return match[1] === '<=' ? value <= bound : value < bound;
}

run().then(
  (measurements) => {
    const rows = measurements.map((m) => ({
      ...m,
      target: m.target ?? null,
      pass: passes(m.value, m.target),
    }));
    console.table(rows);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(join('bench-results', 'operator.json'), `${JSON.stringify(rows, null, 2)}\n`);
    process.exit(rows.some((r) => r.pass === false) ? 1 : 0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
