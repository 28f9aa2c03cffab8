import { describe, expect, it } from 'vitest';
import { sessionTimeoutMsFor } from './config.ts';

describe('sessionTimeoutMsFor (how long a killed consumer holds its partitions)', () => {
  it.each([
    ['a 10 s budget: 10 s at least', 10, 10_000],
    ['a 60 s budget: a third of it', 60, 20_000],
    ['a 10 min budget: Kafka’s usual 30 s', 600, 30_000],
  ])('%s', (_, maxLagSeconds, expected) => {
    expect(sessionTimeoutMsFor(maxLagSeconds)).toBe(expected);
  });
});
