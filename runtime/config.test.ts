import { describe, expect, it } from 'vitest';
import { sessionTimeoutMsFor } from './config.ts';

describe('sessionTimeoutMsFor (how long a killed consumer holds its partitions)', () => {
  it.each([
    ['a 10 s budget: the broker minimum', 10, 6_000],
    ['a 30 s budget: a quarter of it', 30, 7_500],
    ['a 60 s budget: a quarter of it', 60, 15_000],
    ['a 10 min budget: Kafka’s usual 30 s', 600, 30_000],
  ])('%s', (_, maxLagSeconds, expected) => {
    expect(sessionTimeoutMsFor(maxLagSeconds)).toBe(expected);
  });
});
