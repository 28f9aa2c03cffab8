import { describe, expect, it } from 'vitest';
import type { Condition } from '../../crds/conditions.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import {
  lagStatusFor,
  type FlowFacts,
  type Heartbeat,
  type RunRecord,
  type LagStatusInput,
} from './lag-status.ts';

const now = Date.parse('2025-03-14T09:00:00Z');
const ago = (seconds: number): number => now - seconds * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

const heartbeat = (h: Partial<Heartbeat> = {}): Heartbeat => ({ partitionTimestampsMs: {}, ...h });
const run = (r: Partial<RunRecord> & Pick<RunRecord, 'result'>): RunRecord => ({
  runId: 'r1',
  mode: 'poll',
  startedAtMs: ago(120),
  completedAtMs: ago(100),
  records: 10,
  applied: 9,
  failed: 1,
  deadLettered: 0,
  ...r,
});

const eventFacts = (
  partitions: [end: number, committed: number | undefined][],
  hb: Heartbeat | undefined,
): FlowFacts => ({
  topic: 't',
  partitions: partitions.map(([end, committed], partition) => ({
    partition,
    logStartOffset: 0,
    logEndOffset: end,
    committedOffset: committed,
  })),
  state: { runs: [], ...(hb ? { heartbeat: hb } : {}) },
  problems: [],
});

const input = (i: Partial<LagStatusInput> & Pick<LagStatusInput, 'facts'>): LagStatusInput => ({
  pattern: 'event',
  budgetSeconds: 60,
  generation: 3,
  current: undefined,
  now,
  ...i,
});

const conditionOf = (result: { conditions: Condition[] }, type: string): Condition | undefined =>
  result.conditions.find((c) => c.type === type);

describe('lag of an event flow', () => {
  it.each([
    {
      name: 'caught up: 0 messages, 0 s',
      facts: eventFacts([[10, 10]], heartbeat({ lastMessageTimestampMs: ago(5) })),
      lag: { seconds: 0, messages: 0 },
      budget: 'True',
    },
    {
      name: 'behind while consuming: age since the newest written message of the partition',
      facts: eventFacts(
        [
          [10, 7],
          [5, 5],
        ],
        heartbeat({ partitionTimestampsMs: { 't/0': ago(4), 't/1': ago(900) } }),
      ),
      lag: { seconds: 4, messages: 3 },
      budget: 'True',
    },
    {
      name: 'consumer down: lag keeps growing from the last written message',
      facts: eventFacts([[50, 7]], heartbeat({ partitionTimestampsMs: { 't/0': ago(95) } })),
      lag: { seconds: 95, messages: 43 },
      budget: 'False',
      message: 'lag 1m35s > budget 1m; 43 messages behind',
    },
    {
      name: 'partition never written from: counts from the consumer start',
      facts: eventFacts([[3, undefined]], heartbeat({ startedAtMs: ago(30) })),
      lag: { seconds: 30, messages: 3 },
      budget: 'True',
    },
    {
      name: 'no heartbeat and messages waiting: not measured',
      facts: eventFacts([[3, undefined]], undefined),
      lag: { messages: 3 },
      budget: 'Unknown',
      message: '3 messages behind and no consumer has reported progress yet',
    },
    {
      name: 'silent source: flagged once silence exceeds the budget',
      facts: eventFacts([[10, 10]], heartbeat({ partitionTimestampsMs: { 't/0': ago(7200) } })),
      lag: { seconds: 0, messages: 0, sourceSilentSeconds: 7200 },
      budget: 'True',
      message: 'lag 0s <= budget 1m; the source has sent nothing for 2h',
    },
  ])('$name', ({ facts, lag, budget, message }) => {
    const result = lagStatusFor(input({ facts }));
    expect(result.lag).toEqual({ ...lag, budgetSeconds: 60, measuredAt: iso(now) });
    const condition = conditionOf(result, 'LagWithinBudget');
    expect(condition?.status).toBe(budget);
    if (message) expect(condition?.message).toBe(message);
  });

  it('an unreachable Kafka leaves the numbers and says why', () => {
    const facts: FlowFacts = {
      problems: [{ source: 'kafka', message: 'read offsets of topic t: connection refused' }],
    };
    const result = lagStatusFor(input({ facts }));
    expect(result.lag).toBeUndefined();
    expect(conditionOf(result, 'LagWithinBudget')).toMatchObject({
      status: 'Unknown',
      reason: 'StateUnreachable',
      message: 'read offsets of topic t: connection refused',
    });
    expect(result.patch).not.toHaveProperty('lag');
  });
});

it('a source that speaks again loses its silence flag (null in the merge patch)', () => {
  const silent = lagStatusFor(
    input({
      facts: eventFacts([[10, 10]], heartbeat({ partitionTimestampsMs: { 't/0': ago(7200) } })),
    }),
  );
  expect(silent.lag?.sourceSilentSeconds).toBe(7200);
  const current = { ...(silent.patch as SyncFlowStatus) };
  const later = now + 31_000;
  const facts = eventFacts(
    [[12, 12]],
    heartbeat({ partitionTimestampsMs: { 't/0': later - 1000 } }),
  );
  const next = lagStatusFor(input({ facts, current, now: later }));
  expect(next.patch?.['lag']).toMatchObject({ seconds: 0, messages: 0, sourceSilentSeconds: null });
});

describe('lag of poll and batch flows', () => {
  it.each([
    {
      name: 'poll: since the start of the last successful poll, not the watermark',
      pattern: 'poll' as const,
      last: run({ result: 'succeeded', startedAtMs: ago(200) }),
      cursor: { modifiedMs: ago(86_400), key: 'k' },
      seconds: 200,
      budget: 'True',
    },
    {
      name: 'batch: since the as-of time of the last good import',
      pattern: 'batch' as const,
      last: run({ result: 'succeeded', mode: 'batch', startedAtMs: ago(100), asOfMs: ago(4000) }),
      cursor: undefined,
      seconds: 4000,
      budget: 'False',
    },
  ])('$name', ({ pattern, last, cursor, seconds, budget }) => {
    const facts: FlowFacts = {
      state: { runs: [last], lastSuccessfulRun: last, ...(cursor ? { cursor } : {}) },
      problems: [],
    };
    const result = lagStatusFor(input({ pattern, budgetSeconds: 600, facts }));
    expect(result.lag?.seconds).toBe(seconds);
    expect(conditionOf(result, 'LagWithinBudget')?.status).toBe(
      budget === 'True' ? 'True' : 'False',
    );
  });

  it('a flow without a successful run yet is Unknown, not over budget', () => {
    const facts: FlowFacts = { state: { runs: [] }, problems: [] };
    const result = lagStatusFor(input({ pattern: 'poll', facts }));
    expect(conditionOf(result, 'LagWithinBudget')).toMatchObject({
      status: 'Unknown',
      reason: 'NotMeasured',
      message: 'no successful poll run yet',
    });
  });
});

describe('run outcomes', () => {
  const runsFacts = (runs: RunRecord[], cursorMs?: number): FlowFacts => ({
    state: {
      runs,
      ...(runs.find((r) => r.result === 'succeeded')
        ? { lastSuccessfulRun: runs.find((r) => r.result === 'succeeded') }
        : {}),
      ...(cursorMs ? { cursor: { modifiedMs: cursorMs, key: 'k' } } : {}),
    },
    problems: [],
  });

  it.each([
    {
      name: 'success',
      runs: [run({ result: 'succeeded' })],
      failedInARow: 0,
      conditions: { LastRunSucceeded: 'True', SchemaDrift: 'False', GuardTripped: 'False' },
      reason: 'RunSucceeded',
    },
    {
      name: 'two failures after a success',
      runs: [
        run({ runId: 'r3', result: 'failed', message: 'ERP answered 503' }),
        run({ runId: 'r2', result: 'failed' }),
        run({ runId: 'r1', result: 'succeeded' }),
      ],
      failedInARow: 2,
      conditions: { LastRunSucceeded: 'False', SchemaDrift: 'False', GuardTripped: 'False' },
      reason: 'RunFailed',
    },
    {
      name: 'schema drift',
      runs: [run({ result: 'schemaDrift', message: 'column Qty missing' })],
      failedInARow: 1,
      conditions: { LastRunSucceeded: 'False', SchemaDrift: 'True', GuardTripped: 'False' },
      reason: 'SchemaDrift',
    },
    {
      name: 'guard tripped',
      runs: [run({ result: 'guardTripped' })],
      failedInARow: 1,
      conditions: { LastRunSucceeded: 'False', SchemaDrift: 'False', GuardTripped: 'True' },
      reason: 'GuardTripped',
    },
  ])('$name', ({ runs, failedInARow, conditions, reason }) => {
    const result = lagStatusFor(input({ pattern: 'poll', facts: runsFacts(runs, ago(3600)) }));
    expect(result.patch?.['consecutiveFailedRuns']).toBe(failedInARow);
    expect(result.patch?.['lastRun']).toMatchObject({
      startedAt: iso(ago(120)),
      completedAt: iso(ago(100)),
      records: 10,
      failed: 1,
    });
    expect(result.patch?.['cursor']).toEqual({ watermark: iso(ago(3600)) });
    for (const [type, status] of Object.entries(conditions))
      expect(conditionOf(result, type)?.status).toBe(status);
    expect(conditionOf(result, 'LastRunSucceeded')?.reason).toBe(reason);
  });

  it('the failure message of the run reaches LastRunSucceeded', () => {
    const runs = [run({ result: 'failed', message: 'ERP answered 503' })];
    const result = lagStatusFor(input({ pattern: 'poll', facts: runsFacts(runs) }));
    expect(conditionOf(result, 'LastRunSucceeded')?.message).toContain('ERP answered 503');
  });

  it("an event flow's sweep stopped by a guard sets GuardTripped with what to do", () => {
    const message =
      'guard tripped: the sweep poll would change 8 of 10 entities; annotate the SyncFlow with syncflow.io/approve: <a token not used before>';
    const facts = eventFacts([[10, 10]], heartbeat({ lastMessageTimestampMs: ago(5) }));
    const runs = [run({ result: 'guardTripped', message })];
    const result = lagStatusFor(input({ facts: { ...facts, state: { ...facts.state, runs } } }));
    expect(conditionOf(result, 'GuardTripped')).toMatchObject({ status: 'True' });
    expect(conditionOf(result, 'GuardTripped')?.message).toContain('syncflow.io/approve');
    expect(conditionOf(result, 'LagWithinBudget')?.status).toBe('True');
  });

  it('never sets Ready, and keeps the conditions of other writers', () => {
    const ready = {
      type: 'Ready',
      status: 'True' as const,
      reason: 'Scheduled',
      message: 'CronJob x',
      lastTransitionTime: iso(ago(9999)),
    };
    const runs = [run({ result: 'failed' }), run({ result: 'failed' }), run({ result: 'failed' })];
    const result = lagStatusFor(
      input({ pattern: 'poll', facts: runsFacts(runs), current: { conditions: [ready] } }),
    );
    expect(conditionOf(result, 'Ready')).toEqual(ready);
    expect(result.patch?.['consecutiveFailedRuns']).toBe(3);
  });
});

describe('the write throttle', () => {
  const hb = (secondsAgo: number): Heartbeat =>
    heartbeat({ partitionTimestampsMs: { 't/0': ago(secondsAgo) } });
  const statusAfter = (result: ReturnType<typeof lagStatusFor>, before?: SyncFlowStatus) => ({
    ...before,
    ...result.patch,
  });

  it('first measurement is written at once', () => {
    expect(lagStatusFor(input({ facts: eventFacts([[5, 3]], hb(2)) })).decision).toBe('now');
  });

  it.each([
    {
      name: 'numbers moved 10 s later: throttled',
      afterSeconds: 10,
      nextAgo: 5,
      decision: 'throttled',
    },
    { name: 'numbers moved 30 s later: written', afterSeconds: 30, nextAgo: 5, decision: 'now' },
    { name: 'nothing moved: nothing written', afterSeconds: 10, nextAgo: 2, decision: 'unchanged' },
    {
      name: 'budget crossed 5 s later: written at once',
      afterSeconds: 5,
      nextAgo: 90,
      decision: 'now',
    },
  ])('$name', ({ afterSeconds, nextAgo, decision }) => {
    const first = lagStatusFor(input({ facts: eventFacts([[5, 3]], hb(2)) }));
    const later = now + afterSeconds * 1000;
    const facts = eventFacts(
      [[5, 3]],
      heartbeat({ partitionTimestampsMs: { 't/0': later - nextAgo * 1000 } }),
    );
    const second = lagStatusFor(input({ facts, current: statusAfter(first), now: later }));
    expect(second.decision).toBe(decision);
    expect(second.patch !== undefined).toBe(decision === 'now');
  });

  it('a steadily growing lag is written at most once per 30 s', () => {
    let status: SyncFlowStatus | undefined;
    let writes = 0;
    // The consumer is down: lag grows every second; the refresh runs every 10 s for 10 minutes.
    for (let t = 0; t < 600; t += 10) {
      const at = now + t * 1000;
      const facts = eventFacts(
        [[50, 7]],
        heartbeat({ partitionTimestampsMs: { 't/0': now - 5000 } }),
      );
      const result = lagStatusFor(
        input({ facts, current: status, now: at, budgetSeconds: 10_000 }),
      );
      if (result.patch) {
        writes += 1;
        status = statusAfter(result, status);
      }
    }
    expect(writes).toBe(20);
  });

  it.each([
    { result: 'succeeded' as const, decision: 'throttled' },
    { result: 'failed' as const, decision: 'now' },
  ])('a new $result run 1 s after a write: $decision', ({ result, decision }) => {
    const ok = run({ result: 'succeeded' });
    const first: FlowFacts = { state: { runs: [ok], lastSuccessfulRun: ok }, problems: [] };
    const before = statusAfter(lagStatusFor(input({ pattern: 'poll', facts: first })));
    const runs = [
      run({ runId: 'r2', result, completedAtMs: ago(1) }),
      run({ result: 'succeeded' }),
    ];
    const next: FlowFacts = { state: { runs, lastSuccessfulRun: runs[1] }, problems: [] };
    const at = now + 1000;
    expect(
      lagStatusFor(input({ pattern: 'poll', facts: next, current: before, now: at })).decision,
    ).toBe(decision);
  });
});
