// The demo's run: start, drive, show, judge, stop. Every started part pushes its stop onto a
// stack that runs in reverse whatever happens (each step even if another fails), so Ctrl-C
// leaves no process: the operator and the environment's processes also run under
// `setpriv --pdeathsig SIGKILL` and die with the demo even when it is SIGKILLed.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { SyncFlowStatus } from '../crds/syncflow.ts';
import { startChild, type Child } from '../test/env/child-process.ts';
import { startEnvironment } from '../test/env/start-environment.ts';
import { repositoryRoot } from '../test/api/api-server.ts';
import type { DemoOptions } from './args.ts';
import { prepareCluster, exampleObjects } from './cluster.ts';
import { checkConvergence, worstDriftByFlow, type Convergence } from './convergence.ts';
import { demoToken, startDoubles } from './doubles.ts';
import { startChaos } from './chaos.ts';
import { exampleFlows } from './flows.ts';
import { withInitialSyncEnds } from './initial-sync.ts';
import { createReadyTopics } from '../test/support/kafka-topics.ts';
import { Generator, actualValues, topics } from './generator.ts';
import { budgetFloorSeconds } from './speed.ts';
import { connectionsFor, flowFor, tokenSecretFor, type DemoFlow } from './overlay.ts';
import { defaultSize, distributorFor, rngFor } from './seed.ts';
import { renderTable, type FlowRow } from './table.ts';
import { isSuccess, summaryLines, verdictFor } from './verdict.ts';

export interface RunContext {
  options: Readonly<DemoOptions>;
  signal: AbortSignal;
  out: NodeJS.WritableStream;
  isTty: boolean;
  workDir: string;
  nowMs: () => number;
}

const image = 'ghcr.io/syncflow/syncflow:demo';

class Stops {
  readonly #stops: { name: string; stop: () => Promise<unknown> }[] = [];
  push(name: string, stop: () => Promise<unknown>): void {
    this.#stops.push({ name, stop });
  }
  async run(log: (line: string) => void): Promise<void> {
    for (const { name, stop } of this.#stops.reverse())
      await stop().catch((err: unknown) => log(`stopping ${name} failed: ${String(err)}`));
  }
}

async function infrastructure(ctx: RunContext, stops: Stops, log: (l: string) => void) {
  const local = ctx.options.kubeconfig === undefined;
  log(
    local
      ? 'starting the control plane, local node (run mode), Kafka and Redis…'
      : 'starting Kafka and Redis…',
  );
  const env = await startEnvironment({
    kube: local,
    kafka: true,
    redis: true,
    ...(local ? { node: 'run' as const } : {}),
    log: (line) => log(`[env] ${line}`),
    keepRunDir: ctx.options.keepLogs,
  });
  if (ctx.options.keepLogs) log(`local components' folder (kept after stop): ${env.runDir}`);
  stops.push('environment', () => env.stop());
  const kubeconfig = ctx.options.kubeconfig ?? env.kubeconfig ?? '';
  return { env, kubeconfig, kafkaBrokers: env.kafkaBrokers ?? [], redisUrl: env.redisUrl ?? '' };
}

function selectedFlows(ctx: RunContext): DemoFlow[] {
  const wanted = ctx.options.flows;
  return exampleFlows()
    .filter((f) => wanted === undefined || wanted.includes(f.metadata?.name ?? ''))
    .map((f) => flowFor(f, ctx.options.speed));
}

function budgetOf(flow: DemoFlow): number {
  return 'stalled' in flow.scaled ? 0 : flow.scaled.budgetSeconds;
}

async function kafkaProducer(brokers: string[], stops: Stops): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'syncflow-demo', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const names = [topics.stock, `${topics.stock}.dlq`, topics.orders, `${topics.orders}.dlq`];
  await createReadyTopics(
    admin,
    names.map((topic) => ({ topic, partitions: 3 })),
  );
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  stops.push('kafka producer', () => producer.disconnect());
  return producer;
}

/** The operator as its own process, with its ServiceAccount's token, never admin's. */
function startOperator(
  ctx: RunContext,
  namespace: string,
  kubeconfig: string,
  stops: Stops,
): Child {
  const operator = startChild({
    name: 'operator',
    command: process.execPath,
    args: [
      'operator/main.ts',
      `--namespace=${namespace}`,
      '--instance-id=demo',
      `--image=${image}`,
      '--leader-elect=false',
      '--metrics-port=0',
      '--probe-port=0',
    ],
    cwd: repositoryRoot,
    logFile: join(ctx.workDir, 'operator.log'),
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      KUBECONFIG: kubeconfig,
    },
  });
  stops.push('operator', () => operator.stop(10_000));
  return operator;
}

export async function runDemo(ctx: RunContext): Promise<number> {
  const stops = new Stops();
  const log = (line: string): void => void ctx.out.write(`${line}\n`);
  try {
    return await drive(ctx, stops, log);
  } finally {
    log('stopping…');
    await stops.run(log);
    log('stopped: no process of the demo is left');
  }
}

async function drive(ctx: RunContext, stops: Stops, log: (l: string) => void): Promise<number> {
  const started = ctx.nowMs();
  const infra = await infrastructure(ctx, stops, log);
  if (ctx.signal.aborted) return 1;
  const flows = selectedFlows(ctx);
  const names = new Set(flows.map((f) => f.name));
  const distributor = distributorFor(defaultSize, rngFor(42));
  const doubles = await startDoubles(distributor, ctx.nowMs());
  stops.push('doubles', () => doubles.close());
  const producer = await kafkaProducer(infra.kafkaBrokers, stops);

  const namespace = `acme-demo-${randomUUID().slice(0, 6)}`;
  log(`namespace ${namespace}: CRDs, operator RBAC, connections, flows…`);
  const cluster = await prepareCluster(infra.kubeconfig, namespace, ctx.workDir);
  if (ctx.options.kubeconfig !== undefined) stops.push('namespace', () => cluster.remove());
  const operator = startOperator(ctx, namespace, cluster.operatorKubeconfig, stops);
  await cluster.apply([
    tokenSecretFor(demoToken),
    ...connectionsFor(exampleObjects('connections.yaml'), {
      'erp-sap': doubles.sapUrl,
      'erp-netsuite': doubles.netsuite.url.replace(/\/api$/, ''),
      'erp-exports': doubles.exportsUrl,
      commerce: doubles.commerce.url,
      kafkaBrokers: infra.kafkaBrokers,
      redisUrl: infra.redisUrl,
    }),
    ...flows.map((f) => f.manifest),
  ]);
  log(`ready in ${Math.round((ctx.nowMs() - started) / 1000)}s; operator log: ${operator.logFile}`);
  const node = infra.env.node;
  if (ctx.options.chaosSeconds !== undefined && node) {
    const chaos = startChaos({
      everyMs: ctx.options.chaosSeconds * 1000,
      namespace,
      processes: () => node.processes(),
      kill: (pid) => process.kill(pid, 'SIGKILL'),
      log,
      untilMs: ctx.nowMs() + (ctx.options.durationSeconds ?? Infinity) * 1000,
      nowMs: ctx.nowMs,
    });
    stops.push('chaos', () => Promise.resolve(chaos.stop()));
  }
  const generator = new Generator(
    { distributor, doubles, producer, rng: rngFor(7), speed: ctx.options.speed, flows: names },
    ctx.nowMs(),
  );
  return loop({ ctx, flows, generator, doubles, cluster, log, operatorExited: operator.exited });
}

interface LoopInput {
  ctx: RunContext;
  flows: DemoFlow[];
  generator: Generator;
  doubles: Awaited<ReturnType<typeof startDoubles>>;
  cluster: Awaited<ReturnType<typeof prepareCluster>>;
  log: (line: string) => void;
  operatorExited: Promise<number | string>;
}

/**
 * After --duration the generator (and --chaos) stops and the demo waits, at most the longest
 * budget, for the changes in flight and for every flow to be Ready: zero drift is then what
 * every flow owes, not a race with the clock.
 */
function phaseOf(
  nowMs: number,
  endMs: number,
  settleUntilMs: number,
  settled: boolean,
): 'run' | 'settle' | 'done' {
  if (nowMs < endMs) return 'run';
  return nowMs >= settleUntilMs || settled ? 'done' : 'settle';
}

/** Every flow Ready: after --chaos, a pod just killed must be back before the verdict. */
function allReady(
  flows: readonly DemoFlow[],
  statuses: Map<string, SyncFlowStatus | undefined>,
): boolean {
  return flows.every(
    (f) => statuses.get(f.name)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
  );
}

function patternsOf(flows: readonly DemoFlow[]) {
  return flows.flatMap((f) =>
    'stalled' in f.scaled ? [] : [{ name: f.name, pattern: f.scaled.pattern }],
  );
}

/**
 * The changes in flight are those the generator made: wait for the flows that carry them, not
 * for a daily flow's budget (a compressed day is still 24 minutes at --speed 60).
 */
function settleSecondsFor(budgets: Map<string, number>, carried: Set<string>): number {
  return Math.max(
    budgetFloorSeconds,
    ...[...budgets].filter(([name]) => carried.has(name)).map(([, budget]) => budget),
  );
}

/** The business runs during the run phase; afterwards only the ERP's scheduled exports go on. */
async function business(
  generator: Generator,
  phase: 'run' | 'settle',
  nowMs: number,
): Promise<void> {
  if (phase === 'run') await generator.tick(nowMs);
  else generator.settle(nowMs);
}

async function loop(input: LoopInput): Promise<number> {
  const { ctx, flows, generator, doubles, cluster, log } = input;
  const budgets = new Map(flows.map((f) => [f.name, budgetOf(f)]));
  const start = ctx.nowMs();
  const endMs = start + (ctx.options.durationSeconds ?? Infinity) * 1000;
  let worstDrift = new Map<string, number>();
  const worstLag = new Map<string, number>();
  let statuses = new Map<string, SyncFlowStatus | undefined>();
  let convergence: Convergence | undefined;
  let initialSyncEnds = new Map<string, number>();
  let operatorDown = false;
  void input.operatorExited.then(() => (operatorDown = true));
  const check = (): Convergence =>
    checkConvergence({
      expected: generator.ledger.values(),
      actual: actualValues(doubles, generator.ledger),
      budgetMsOf: (flow) => (budgets.get(flow) ?? 0) * 1000,
      initialSyncEndMsOf: (flow) => initialSyncEnds.get(flow),
      nowMs: ctx.nowMs(),
    });
  const carried = new Set([...generator.ledger.values()].map((e) => e.flow));
  const settleUntilMs = endMs + settleSecondsFor(budgets, carried) * 1000;
  for (let tick = 0; !ctx.signal.aborted; tick++) {
    const now = ctx.nowMs();
    const settled = convergence?.drifted.length === 0 && allReady(flows, statuses);
    const phase = phaseOf(now, endMs, settleUntilMs, settled);
    if (phase === 'done') break;
    await business(generator, phase, now);
    if (phase === 'settle' && now - endMs < 1000) log('duration over: the last changes land');
    statuses = await cluster.statuses().catch(() => statuses);
    recordLag(worstLag, statuses);
    const podsByFlow = await cluster.podsByFlow().catch(() => new Map());
    initialSyncEnds = withInitialSyncEnds(initialSyncEnds, patternsOf(flows), podsByFlow);
    convergence = check();
    worstDrift = worstDriftByFlow(worstDrift, convergence);
    show({
      ctx,
      flows,
      budgets,
      statuses,
      convergence,
      tick,
      elapsedMs: now - start,
      operatorDown,
    });
    await sleepUntil(start + (tick + 1) * 1000, ctx);
  }
  if (ctx.signal.aborted) return 1;
  const initialSync = { startMs: start, ends: initialSyncEnds, carried };
  return judge({
    flows,
    budgets,
    worstDrift,
    worstLag,
    statuses,
    initialSync,
    final: check(),
    log,
  });
}

function judge(input: {
  flows: DemoFlow[];
  budgets: Map<string, number>;
  worstDrift: Map<string, number>;
  worstLag: Map<string, number>;
  statuses: Map<string, SyncFlowStatus | undefined>;
  /** When the flows were applied, when each one's initial sync ended, which flows carry entities. */
  initialSync: { startMs: number; ends: Map<string, number>; carried: Set<string> };
  final: Convergence;
  log: (line: string) => void;
}): number {
  const verdicts = input.flows.map((f) =>
    verdictFor({
      name: f.name,
      budgetSeconds: input.budgets.get(f.name) ?? 0,
      worstDriftMs: input.worstDrift.get(f.name) ?? 0,
      worstLagSeconds: input.worstLag.get(f.name),
      status: input.statuses.get(f.name),
      initialSyncSeconds: secondsSince(
        input.initialSync.startMs,
        input.initialSync.ends.get(f.name),
      ),
      carries: input.initialSync.carried.has(f.name),
    }),
  );
  for (const line of summaryLines(verdicts, input.final)) input.log(line);
  const ok = isSuccess(verdicts, input.final);
  input.log(
    ok ? 'every flow stayed within its budget: exit 0' : 'some flow missed its budget: exit 1',
  );
  return ok ? 0 : 1;
}

const secondsSince = (startMs: number, atMs: number | undefined): number | undefined =>
  atMs === undefined ? undefined : Math.max(0, atMs - startMs) / 1000;

function recordLag(
  worst: Map<string, number>,
  statuses: Map<string, SyncFlowStatus | undefined>,
): void {
  for (const [name, s] of statuses)
    if (s?.lag?.seconds !== undefined)
      worst.set(name, Math.max(worst.get(name) ?? 0, s.lag.seconds));
}

function sleepUntil(atMs: number, ctx: RunContext): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, atMs - ctx.nowMs()));
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function show(input: {
  ctx: RunContext;
  flows: DemoFlow[];
  budgets: Map<string, number>;
  statuses: Map<string, SyncFlowStatus | undefined>;
  convergence: Convergence;
  tick: number;
  elapsedMs: number;
  operatorDown: boolean;
}): void {
  const { ctx } = input;
  const rows: FlowRow[] = input.flows.map((f) => ({
    name: f.name,
    budgetSeconds: input.budgets.get(f.name) ?? 0,
    status: input.statuses.get(f.name),
  }));
  const header = `SyncFlow demo  speed ${ctx.options.speed}x  t=${Math.round(input.elapsedMs / 1000)}s${
    input.operatorDown ? '  OPERATOR EXITED' : ''
  }`;
  const lines = renderTable({ rows, convergence: input.convergence, header, nowMs: ctx.nowMs() });
  if (ctx.isTty) ctx.out.write(`\x1b[H\x1b[J${lines.join('\n')}\n`);
  // Not a terminal (CI, a log): the convergence line each second, the whole table every 10 s.
  else
    ctx.out.write(
      `${input.tick % 10 === 0 ? `${lines.join('\n')}\n` : `t=${Math.round(input.elapsedMs / 1000)}s ${lines.at(-1) ?? ''}\n`}`,
    );
}
