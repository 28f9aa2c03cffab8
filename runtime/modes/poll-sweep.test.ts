import { describe, expect, it } from 'vitest';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { runKindOf } from './poll-sweep.ts';
import { sinceOf } from './poll.ts';

const configOf = (planned: string, hasPoll: boolean): FlowConfig =>
  ({
    plan: { mode: planned },
    flow: {
      spec: { source: hasPoll ? { kafka: {}, poll: { connection: 'erp' } } : { kafka: {} } },
    },
  }) as unknown as FlowConfig;

describe('runKindOf', () => {
  it.each([
    { planned: 'poll', mode: 'poll', hasPoll: false, kind: 'poll' },
    { planned: 'batch', mode: 'batch', hasPoll: false, kind: 'planned' },
    { planned: 'consume', mode: 'consume', hasPoll: true, kind: 'planned' },
    { planned: 'consume', mode: 'poll', hasPoll: true, kind: 'sweep' },
    { planned: 'consume', mode: 'poll', hasPoll: false, refused: 'no source.poll' },
    { planned: 'consume', mode: 'batch', hasPoll: true, refused: 'started as batch' },
    { planned: 'poll', mode: 'consume', hasPoll: false, refused: 'plans mode poll' },
  ])('$planned started as $mode (source.poll $hasPoll)', ({ planned, mode, hasPoll, ...want }) => {
    const run = runKindOf(configOf(planned, hasPoll), mode);
    if (want.refused === undefined) expect(run).toEqual({ kind: want.kind });
    else expect('refused' in run && run.refused).toContain(want.refused);
  });
});

describe('where a sweep without a cursor starts reading', () => {
  const startedAtMs = Date.parse('2026-05-19T10:00:00Z');
  const at = { cursor: undefined, overlapMs: 60_000, startedAtMs, lookbackMs: 3_600_000 };
  const from = (f: string): FlowConfig =>
    ({ flow: { spec: { initialSync: { from: f } } } }) as FlowConfig;
  it.each([
    { initialSync: 'now', since: startedAtMs - 3_660_000 },
    { initialSync: 'beginning', since: 0 },
  ])('initialSync $initialSync → $since', ({ initialSync, since }) => {
    expect(sinceOf(from(initialSync), at)).toBe(since);
  });
  it('a cursor wins over the lookback', () => {
    expect(sinceOf(from('now'), { ...at, cursor: { modifiedMs: 5_000_000, key: 'k' } })).toBe(
      4_940_000,
    );
  });
});
