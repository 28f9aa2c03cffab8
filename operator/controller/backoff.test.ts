import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

const options = { initialMs: 500, maxMs: 15_000 };

describe('backoffMs', () => {
  it.each([
    { failures: 1, low: 250, high: 500 },
    { failures: 2, low: 500, high: 1000 },
    { failures: 4, low: 2000, high: 4000 },
    { failures: 6, low: 7500, high: 15_000 },
    { failures: 60, low: 7500, high: 15_000 },
  ])('retry $failures waits between $low and $high ms', ({ failures, low, high }) => {
    expect(backoffMs(failures, options, () => 0)).toBe(low);
    expect(backoffMs(failures, options, () => 1)).toBe(high);
  });
});
