import { describe, expect, it } from 'vitest';
import { lagWriteDecision, type WriteAllowance } from './throttle.ts';

describe('lagWriteDecision', () => {
  it.each([
    {
      name: 'urgent with no token',
      urgent: true,
      detail: false,
      tokens: 0,
      last: 0,
      now: 1_000,
      want: 'now',
    },
    {
      name: 'nothing moved',
      urgent: false,
      detail: false,
      tokens: 1,
      last: 0,
      now: 99_000,
      want: 'unchanged',
    },
    {
      name: 'numbers moved, token there',
      urgent: false,
      detail: true,
      tokens: 1,
      last: 0,
      now: 1_000,
      want: 'now',
    },
    {
      name: 'numbers moved 29.9 s after a write',
      urgent: false,
      detail: true,
      tokens: 0,
      last: 0,
      now: 29_900,
      want: 'throttled',
    },
    {
      name: 'numbers moved 30 s after a write',
      urgent: false,
      detail: true,
      tokens: 0,
      last: 0,
      now: 30_000,
      want: 'now',
    },
    {
      name: 'after an urgent write in debt: 60 s',
      urgent: false,
      detail: true,
      tokens: -1,
      last: 0,
      now: 59_000,
      want: 'throttled',
    },
  ])('$name → $want', ({ urgent, detail, tokens, last, now, want }) => {
    const allowance: WriteAllowance = { tokens, atMs: last };
    const result = lagWriteDecision({
      urgent,
      detailChanged: detail,
      allowance,
      lastMeasuredAtMs: last,
      now,
    });
    expect(result.decision).toBe(want);
  });

  it('seeds the allowance from measuredAt after a restart', () => {
    const base = { urgent: false, detailChanged: true, allowance: undefined };
    expect(lagWriteDecision({ ...base, lastMeasuredAtMs: 0, now: 10_000 }).decision).toBe(
      'throttled',
    );
    expect(lagWriteDecision({ ...base, lastMeasuredAtMs: 0, now: 30_000 }).decision).toBe('now');
    expect(lagWriteDecision({ ...base, lastMeasuredAtMs: undefined, now: 0 }).decision).toBe('now');
  });

  it('moving numbers plus a condition change every minute stay at one write per 30 s', () => {
    let allowance: WriteAllowance | undefined;
    let writes = 0;
    const minutes = 60;
    for (let t = 0; t < minutes * 60_000; t += 10_000) {
      const urgent = t % 60_000 === 20_000;
      const result = lagWriteDecision({
        urgent,
        detailChanged: true,
        allowance,
        lastMeasuredAtMs: undefined,
        now: t,
      });
      allowance = result.allowance;
      if (result.decision === 'now') writes += 1;
    }
    expect(writes).toBeLessThanOrEqual(minutes * 2 + 1);
  });
});
