import { describe, expect, it } from 'vitest';
import { EventRateLimit } from './event-rate-limit.ts';

describe('EventRateLimit', () => {
  it.each([
    { name: 'first event passes', sends: [[0, 'a']], expected: [true] },
    {
      name: 'same event inside the window is dropped',
      sends: [
        [0, 'a'],
        [599_999, 'a'],
      ],
      expected: [true, false],
    },
    {
      name: 'same event after the window passes',
      sends: [
        [0, 'a'],
        [600_000, 'a'],
      ],
      expected: [true, true],
    },
    {
      name: 'a different event passes',
      sends: [
        [0, 'a'],
        [1, 'b'],
      ],
      expected: [true, true],
    },
  ] as const)('$name', ({ sends, expected }) => {
    const limit = new EventRateLimit();
    expect(sends.map(([at, fp]) => limit.allow('uid-1', fp, at))).toEqual(expected);
  });

  it('throttles one object after its burst and refills over time, without touching others', () => {
    const limit = new EventRateLimit({ burst: 3, refillEveryMs: 1000, dedupWindowMs: 1 });
    const sent = [0, 1, 2, 3].map((i) => limit.allow('uid-1', `e${i}`, 10));
    expect(sent).toEqual([true, true, true, false]);
    expect(limit.allow('uid-2', 'e0', 10)).toBe(true);
    expect(limit.allow('uid-1', 'e4', 1009)).toBe(false);
    expect(limit.allow('uid-1', 'e4', 1010)).toBe(true);
    expect(limit.allow('uid-1', 'e5', 1011)).toBe(false);
  });
});
