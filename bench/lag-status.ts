// Lag tracking at scale: 1,000 flows (event flows keeping up, event flows whose consumer stops
// and restarts, poll flows running every minute, hourly batch flows) measured every 10 s for
// 30 simulated minutes through the reconciler's own lag step (refreshLag: measure → throttle →
// metrics). The facts come from a simulation instead of Redis and Kafka: what is counted is how
// often the step decides to write the status, which depends only on the facts and the throttle.
// `npm run bench -- lag-status` prints a table and writes bench-results/lag-status.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { SyncFlowStatus } from '../crds/syncflow.ts';
import { ManualClock } from '../operator/clock.ts';
import { FlowMetrics } from '../operator/controller/flow-metrics.ts';
import { refreshLag } from '../operator/controller/lag-refresh.ts';
import type { FlowFacts, RunRecord } from '../operator/lag/lag-status.ts';
import type { FlowStateRequest } from '../operator/state/flow-state.ts';

interface Result {
  metric: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean | null;
}

const flows = 1000;
const refreshMs = 10_000;
const durationMs = 30 * 60_000;
const windowMs = 30_000;
type Kind = 'event' | 'event-outage' | 'poll' | 'batch';
const kindOf = (i: number): Kind =>
  i % 10 < 4 ? 'event' : i % 10 < 5 ? 'event-outage' : i % 10 < 8 ? 'poll' : 'batch';
const budgetOf: Record<Kind, string> = {
  event: '60s',
  'event-outage': '60s',
  poll: '5m',
  batch: '2h',
};

/** Deterministic pseudo-random numbers, so runs compare. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

function runsUntil(kind: 'poll' | 'batch', i: number, now: number, start: number): RunRecord[] {
  const everyMs = kind === 'poll' ? 60_000 : 3_600_000;
  const runs: RunRecord[] = [];
  for (let t = start - everyMs * 3 + (i % 7) * 1000; t + 20_000 <= now; t += everyMs)
    runs.unshift({
      runId: `${i}-${t}`,
      mode: kind,
      startedAtMs: t,
      completedAtMs: t + 20_000,
      ...(kind === 'batch' ? { asOfMs: t - 600_000 } : {}),
      records: 100,
      applied: 100,
      failed: 0,
      deadLettered: 0,
      result: i % 50 === 0 && t % 180_000 < 60_000 ? 'failed' : 'succeeded',
    });
  return runs.slice(0, 20);
}

function eventFacts(i: number, now: number, start: number, rand: () => number): FlowFacts {
  // Outage flows: the consumer stops for 4 minutes, 10 minutes in.
  const down = kindOf(i) === 'event-outage' && now - start > 600_000 && now - start < 840_000;
  const behind = down ? Math.round((now - start - 600_000) / 100) : Math.round(rand() * 30);
  const writtenMs = down ? start + 600_000 : now - Math.round(rand() * 4000);
  return {
    topic: 't',
    partitions: [
      { partition: 0, logStartOffset: 0, logEndOffset: 1e6, committedOffset: 1e6 - behind },
    ],
    state: {
      heartbeat: {
        atMs: now,
        applied: Math.round((now - start) / 10),
        partitionTimestampsMs: { 't/0': writtenMs },
      },
      runs: [],
    },
    problems: [],
  };
}

function specOf(kind: Kind): Record<string, unknown> {
  const event = kind.startsWith('event');
  return {
    flow: 'inventory',
    entity: 'sourceItem',
    maxLag: budgetOf[kind],
    source: event
      ? { connection: 'kafka', kafka: { topic: 't' } }
      : {
          connection: 'erp',
          odata: { entitySet: 'Stock', keyFields: ['Material'], modifiedField: 'ChangedAt' },
        },
    mapping: { fields: { sku: { path: 'Material', type: 'string' } } },
    sink: { connection: 'commerce' },
    state: { connection: 'redis' },
  };
}

function readerFor(
  clock: ManualClock,
  start: number,
): { read(r: FlowStateRequest): Promise<FlowFacts> } {
  const rand = random(42);
  return {
    read: (request) => {
      const i = Number(request.flow.name.slice('flow-'.length));
      const kind = kindOf(i);
      if (kind !== 'poll' && kind !== 'batch')
        return Promise.resolve(eventFacts(i, clock.now(), start, rand));
      const runs = runsUntil(kind, i, clock.now(), start);
      const last = runs.find((r) => r.result === 'succeeded');
      return Promise.resolve({
        state: { runs, ...(last ? { lastSuccessfulRun: last } : {}) },
        problems: [],
      });
    },
  };
}

/** Measures every flow every 10 s; returns the writes per (flow, 30 s window). */
async function simulate(): Promise<{ writes: number; refreshes: number; perWindow: number[] }> {
  const clock = new ManualClock(Date.parse('2025-03-14T09:00:00Z'));
  const deps = {
    reader: readerFor(clock, clock.now()),
    metrics: new FlowMetrics(new Registry()),
    instanceId: 'bench',
    clock,
    allowances: new Map(),
  };
  const statuses = new Map<number, SyncFlowStatus | undefined>();
  const perWindow = new Map<string, number>();
  let refreshes = 0;
  for (let t = 0; t < durationMs; t += refreshMs) {
    for (let i = 0; i < flows; i++) {
      const kind = kindOf(i);
      const result = await refreshLag(deps, {
        namespace: 'bench',
        name: `flow-${i}`,
        generation: 1,
        spec: specOf(kind),
        pattern: kind.startsWith('event') ? 'event' : kind === 'poll' ? 'poll' : 'batch',
        status: statuses.get(i),
        connections: [],
      });
      refreshes += 1;
      if (!result?.patch) continue;
      statuses.set(i, { ...statuses.get(i), ...(result.patch as SyncFlowStatus) });
      const window = `${i}:${Math.floor(t / windowMs)}`;
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    clock.advance(refreshMs);
  }
  const counts = [...perWindow.values()];
  return { writes: counts.reduce((a, b) => a + b, 0), refreshes, perWindow: counts };
}

async function main(): Promise<void> {
  const { writes, refreshes, perWindow } = await simulate();
  const windows = durationMs / windowMs;
  const perFlowPer30s = writes / flows / windows;
  const results: Result[] = [
    {
      metric: `status writes per flow per 30 s (${flows} flows, 30 min, measured every 10 s)`,
      value: Number(perFlowPer30s.toFixed(3)),
      unit: 'writes',
      target: '<= 1',
      pass: perFlowPer30s <= 1,
    },
    {
      metric: 'most writes of one flow in one 30 s window (condition changes are immediate)',
      value: Math.max(...perWindow),
      unit: 'writes',
      target: 'observation',
      pass: null,
    },
    {
      metric: '30 s windows with more than one write',
      value: perWindow.filter((n) => n > 1).length,
      unit: `of ${flows * windows}`,
      target: 'observation',
      pass: null,
    },
    {
      metric: 'status writes / lag measurements',
      value: Number((writes / refreshes).toFixed(3)),
      unit: 'ratio',
      target: 'observation',
      pass: null,
    },
  ];
  console.table(results);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'lag-status.json'), JSON.stringify(results, null, 2));
}

await main();
