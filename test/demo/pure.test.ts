// The demo's pure parts: flags, time compression, the convergence check, the initial sync, the
// verdict and the
// 80-column table.
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../demo/args.ts';
import { flowOfPod, victimOf } from '../../demo/chaos.ts';
import { checkConvergence, worstDriftByFlow, type Expected } from '../../demo/convergence.ts';
import { initialSyncEndOf, withInitialSyncEnds, type PodFacts } from '../../demo/initial-sync.ts';
import { addressExportPath, addressesCsv, promotionsCsv } from '../../demo/exports.ts';
import { flowFor } from '../../demo/overlay.ts';
import { defaultSize, distributorFor, rngFor } from '../../demo/seed.ts';
import { exampleFlows } from '../../demo/flows.ts';
import { conditionsCell, renderTable, scheduleCell, shortDuration } from '../../demo/table.ts';
import { summaryLines, verdictFor } from '../../demo/verdict.ts';

const flows = exampleFlows();
const names = flows.map((f) => f.metadata?.name ?? '');

describe('flags', () => {
  it.each([
    [
      ['--speed', '60', '--duration', '120'],
      { speed: 60, durationSeconds: 120, help: false, keepLogs: false },
    ],
    [[], { speed: 1, help: false, keepLogs: false }],
    [
      ['--flows', 'credit,orders'],
      { speed: 1, help: false, keepLogs: false, flows: ['credit', 'orders'] },
    ],
    [['--kubeconfig', '/k'], { speed: 1, help: false, keepLogs: false, kubeconfig: '/k' }],
    [['--chaos', '--keep-logs'], { speed: 1, help: false, keepLogs: true, chaosSeconds: 20 }],
    [['--chaos-every', '5'], { speed: 1, help: false, keepLogs: false, chaosSeconds: 5 }],
  ])('%j parses', (argv, expected) => {
    expect(parseDemoArgs(argv, names)).toEqual({ options: expected });
  });
  it.each([
    [['--speed', '0'], '--speed must be a positive number; got 0'],
    [['--duration', 'x'], '--duration must be a positive number; got x'],
    [['--flows', 'nope'], '--flows: no flow named nope'],
    [['--chaos', '--kubeconfig', '/k'], '--chaos kills processes of the local node'],
    [['--chaos-every', '0'], '--chaos-every must be a positive number; got 0'],
  ])('%j is refused', (argv, problem) => {
    const parsed = parseDemoArgs(argv, names);
    expect('problems' in parsed && parsed.problems.join()).toContain(problem);
  });
});

describe('time compression', () => {
  const at = (name: string, speed: number) => {
    const flow = flows.find((f) => f.metadata?.name === name);
    return flowFor(flow ?? {}, speed).scaled;
  };
  it.each([
    ['inventory-slow', 1, { pattern: 'batch', schedule: '0 * * * *', budgetSeconds: 7200 }],
    ['inventory-slow', 60, { pattern: 'batch', schedule: '* * * * *', budgetSeconds: 120 }],
    ['pricing-promo', 60, { pattern: 'batch', schedule: '*/20 * * * *', budgetSeconds: 2400 }],
    ['customer-company', 2, { pattern: 'poll', schedule: '*/6 * * * *', budgetSeconds: 900 }],
    ['credit', 60, { pattern: 'event', budgetSeconds: 30 }],
    ['orders', 1, { pattern: 'event', budgetSeconds: 30 }],
    // Cron counts in minutes, and a scheduled flow's lag reaches a period plus a run: the budget
    // never drops below two periods of the schedule.
    ['pricing-contract', 600, { pattern: 'batch', schedule: '* * * * *', budgetSeconds: 120 }],
  ])('%s at speed %d', (name, speed, expected) => {
    expect(at(name, speed)).toMatchObject(expected);
  });
  it('keeps the production pattern and sets only pattern, maxLag and schedule', () => {
    const flow = flows.find((f) => f.metadata?.name === 'inventory-slow') ?? {};
    const { manifest } = flowFor(flow, 60);
    expect(manifest.spec).toEqual({
      ...flow.spec,
      pattern: 'batch',
      maxLag: '2m',
      schedule: '* * * * *',
    });
  });
});

describe('convergence', () => {
  const e = (key: string, value: Expected['value'], changedAtMs: number, flow = 'f'): Expected => ({
    key,
    value,
    changedAtMs,
    flow,
  });
  it('counts entities that differ, with the oldest age and the flows over budget', () => {
    const c = checkConvergence({
      expected: [e('a', 1, 0), e('b', 2, 5_000, 'g'), e('c', 3, 9_000), e('d', true, 0)],
      actual: new Map<string, Expected['value']>([
        ['a', 1],
        ['b', 7],
        ['d', true],
      ]),
      budgetMsOf: (flow) => (flow === 'g' ? 4_000 : 60_000),
      initialSyncEndMsOf: () => 0,
      nowMs: 10_000,
    });
    expect(c.checked).toBe(4);
    expect(c.drifted.map((d) => [d.key, d.ageMs, d.overBudget])).toEqual([
      ['b', 5_000, true],
      ['c', 1_000, false],
    ]);
    expect(c.oldestDriftMs).toBe(5_000);
    expect(c.flowsOverBudget).toEqual(['g']);
  });
  it('finds no drift when both sides agree', () => {
    const c = checkConvergence({
      expected: [e('a', 1.1, 0)],
      actual: new Map([['a', 1.1]]),
      budgetMsOf: () => 0,
      initialSyncEndMsOf: () => 0,
      nowMs: 1,
    });
    expect(c).toMatchObject({ drifted: [], oldestDriftMs: 0 });
  });

  it('judges a flow from the end of its initial sync, never before', () => {
    const c = checkConvergence({
      expected: [e('early', 1, 0, 'done'), e('late', 1, 50_000, 'done'), e('x', 1, 0, 'syncing')],
      actual: new Map(),
      budgetMsOf: () => 30_000,
      initialSyncEndMsOf: (flow) => (flow === 'done' ? 40_000 : undefined),
      nowMs: 75_000,
    });
    expect(c.drifted.map((d) => [d.key, d.ageMs, d.judgedAgeMs, d.overBudget])).toEqual([
      ['early', 75_000, 35_000, true],
      ['x', 75_000, 0, false],
      ['late', 25_000, 25_000, false],
    ]);
    expect(worstDriftByFlow(new Map([['done', 40_000]]), c)).toEqual(
      new Map([
        ['done', 40_000],
        ['syncing', 0],
      ]),
    );
  });
});

describe('initial sync end', () => {
  const pod = (phase: string, finishedAtMs?: number, readySinceMs?: number): PodFacts => ({
    phase,
    finishedAtMs,
    readySinceMs,
  });
  it.each<[string, 'batch' | 'event' | 'poll', PodFacts[], number | undefined]>([
    [
      'a batch flow: its first succeeded run',
      'batch',
      [pod('Failed', 5), pod('Succeeded', 9), pod('Succeeded', 7)],
      7,
    ],
    ['a batch flow whose run still runs', 'batch', [pod('Running', undefined, 3)], undefined],
    [
      'an event flow: its first Ready pod',
      'event',
      [pod('Running', undefined, 12), pod('Running', undefined, 8)],
      8,
    ],
    ['a poll flow in a crash loop', 'poll', [pod('Running')], undefined],
  ])('%s', (_, pattern, pods, expected) => {
    expect(initialSyncEndOf(pattern, pods)).toBe(expected);
  });
  it('keeps an end once seen, even when the pod is gone', () => {
    const flows = [
      { name: 'a', pattern: 'event' as const },
      { name: 'b', pattern: 'batch' as const },
    ];
    const first = withInitialSyncEnds(
      new Map(),
      flows,
      new Map([['a', [pod('Running', undefined, 5)]]]),
    );
    const later = withInitialSyncEnds(first, flows, new Map([['b', [pod('Succeeded', 20)]]]));
    expect(later).toEqual(
      new Map([
        ['a', 5],
        ['b', 20],
      ]),
    );
  });
});

describe('chaos', () => {
  it.each([
    ['credit-5c4777954b-kd8p8', 'credit'],
    ['inventory-fast-68b4c95c9b-fkf2w', 'inventory-fast'],
    ['pricing-contract-29412345-x7k2q', 'pricing-contract'],
  ])('pod %s belongs to flow %s', (pod, flow) => {
    expect(flowOfPod(pod)).toBe(flow);
  });
  it('kills a runtime of this namespace, one flow after the other', () => {
    const p = (namespace: string, pod: string, container: string, pid: number) => ({
      namespace,
      pod,
      container,
      pid,
    });
    const processes = [
      p('demo', 'orders-5f5974f79b-jvb98', 'runtime', 3),
      p('other', 'credit-75f757cf45-6zd54', 'runtime', 9),
      p('demo', 'inventory-fast-5bfdc5c56c-g4xbg', 'runtime', 1),
      p('demo', 'inventory-fast-5bfdc5c56c-nb6ts', 'runtime', 2),
      p('demo', 'orders-5f5974f79b-jvb98', 'sidecar', 4),
    ];
    const pids = [0, 1, 2].map((round) => victimOf(processes, 'demo', round)?.pid);
    expect(pids).toEqual([1, 3, 1]);
    expect(victimOf([], 'demo', 0)).toBeUndefined();
  });
});

describe('verdict', () => {
  const ready = {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Ready',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  };
  it.each([
    [{ worstDriftMs: 59_000, worstLagSeconds: 10 }, ready, []],
    [
      { worstDriftMs: 61_000, worstLagSeconds: undefined },
      ready,
      ['an entity stayed drifted 61s (budget 60s)'],
    ],
    [{ worstDriftMs: 0, worstLagSeconds: 90 }, ready, ['lag reached 90s (budget 60s)']],
    [{ worstDriftMs: 0, worstLagSeconds: undefined }, undefined, ['not Ready']],
    [
      { worstDriftMs: 0, worstLagSeconds: undefined, initialSyncSeconds: undefined },
      ready,
      ['its initial sync did not end within the run'],
    ],
    [
      {
        worstDriftMs: 0,
        worstLagSeconds: undefined,
        initialSyncSeconds: undefined,
        carries: false,
      },
      ready,
      [],
    ],
  ])('%j', (numbers, status, reasons) => {
    const v = verdictFor({
      name: 'f',
      budgetSeconds: 60,
      initialSyncSeconds: 20,
      carries: true,
      ...numbers,
      status: status as never,
    });
    expect(v).toMatchObject({ name: 'f', ok: reasons.length === 0, reasons });
  });
  it('reports the initial sync beside the verdict', () => {
    const v = verdictFor({
      name: 'pricing-contract',
      budgetSeconds: 60,
      worstDriftMs: 0,
      worstLagSeconds: undefined,
      status: ready as never,
      initialSyncSeconds: 83.4,
      carries: true,
    });
    const final = { checked: 1, drifted: [], oldestDriftMs: 0, flowsOverBudget: [] };
    expect(summaryLines([v], final)[0]).toBe('ok   pricing-contract (initial sync 83s)');
  });
});

describe('the table', () => {
  it.each([
    [42, '42s'],
    [90, '1m30'],
    [3600, '1h'],
    [5400, '1h30'],
  ])('shortDuration(%d) = %s', (s, text) => expect(shortDuration(s)).toBe(text));
  it.each([
    ['* * * * *', 'every 1m'],
    ['*/20 * * * *', 'every 20m'],
    ['0 * * * *', 'hourly'],
    ['0 2 * * *', 'daily 2:00'],
  ])('schedule %s reads %s', (schedule, text) => expect(scheduleCell({ schedule })).toBe(text));
  it('names the conditions that are wrong, with the first reason', () => {
    const status = {
      conditions: [
        { type: 'Ready', status: 'False', reason: 'CrashLoopBackOff' },
        { type: 'Stalled', status: 'False' },
      ],
    };
    expect(conditionsCell(status as never)).toBe('!Ready (CrashLoopBackOff)');
  });
  it('fits every line in 80 columns, with a dash where the status has no lag yet', () => {
    const lines = renderTable({
      header: 'SyncFlow demo',
      nowMs: Date.parse('2026-01-01T00:01:00Z'),
      convergence: { checked: 11_300, drifted: [], oldestDriftMs: 0, flowsOverBudget: [] },
      rows: [
        {
          name: 'order-status-shipments',
          budgetSeconds: 240,
          status: {
            pattern: 'batch',
            schedule: '* * * * *',
            lastRun: { result: 'Succeeded', records: 1234567, completedAt: '2026-01-01T00:00:48Z' },
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'CreateContainerConfigError',
                message: 'x'.repeat(200),
              },
            ],
          } as never,
        },
        { name: 'credit', budgetSeconds: 30, status: undefined },
      ],
    });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[2]).toMatch(
      /^order-status-shipments batch {3}every 1m {2}—\/4m {7}1234567 ok 12s/,
    );
    expect(lines.at(-1)).toBe('convergence: 11300 entities, 0 drifted');
  });
});

describe('daily exports', () => {
  const distributor = distributorFor(defaultSize, rngFor(42));
  const nowMs = Date.UTC(2026, 10, 28, 3, 30);
  const fileOf = (name: string) => {
    const spec = flows.find((f) => f.metadata?.name === name)?.spec as {
      source: { file: { delimiter?: string; keyFields: string[] } };
      mapping: { fields: Record<string, { path: string }> };
    };
    return { ...spec.source.file, paths: Object.values(spec.mapping.fields).map((f) => f.path) };
  };

  it.each([
    ['pricing-promo', promotionsCsv(distributor, nowMs), 300],
    ['customer-address', addressesCsv(distributor), 300],
  ])('%s: a header with every mapped column and key, one row per entity', (name, csv, rows) => {
    const file = fileOf(name);
    const [header = '', ...lines] = csv.trimEnd().split('\n');
    const columns = header.split(file.delimiter ?? ',');
    expect(columns).toEqual(expect.arrayContaining([...file.paths, ...file.keyFields]));
    expect(lines).toHaveLength(rows);
    expect(lines.every((l) => l.split(file.delimiter ?? ',').length === columns.length)).toBe(true);
  });

  it('dates the address file in the flow time zone, as the runtime resolves {date}', () => {
    // 03:30 UTC is still the evening before in Chicago.
    expect(addressExportPath(nowMs, 'America/Chicago')).toBe(
      '/sap/customer-addresses-2026-11-27.csv',
    );
  });
});
