import { describe, expect, it } from 'vitest';
import { lagWriteDecision } from './throttle.ts';

describe('lagWriteDecision', () => {
  it.each([
    {
      transition: true,
      runChanged: false,
      detailChanged: false,
      last: 1_000,
      now: 2_000,
      want: 'now',
    },
    {
      transition: false,
      runChanged: true,
      detailChanged: false,
      last: 1_000,
      now: 2_000,
      want: 'now',
    },
    {
      transition: false,
      runChanged: false,
      detailChanged: false,
      last: 0,
      now: 99_000,
      want: 'unchanged',
    },
    {
      transition: false,
      runChanged: false,
      detailChanged: true,
      last: undefined,
      now: 2_000,
      want: 'now',
    },
    {
      transition: false,
      runChanged: false,
      detailChanged: true,
      last: 0,
      now: 29_999,
      want: 'throttled',
    },
    {
      transition: false,
      runChanged: false,
      detailChanged: true,
      last: 0,
      now: 30_000,
      want: 'now',
    },
  ])(
    'transition=$transition run=$runChanged detail=$detailChanged last=$last now=$now → $want',
    ({ transition, runChanged, detailChanged, last, now, want }) => {
      expect(
        lagWriteDecision({ transition, runChanged, detailChanged, lastMeasuredAtMs: last, now }),
      ).toBe(want);
    },
  );
});
