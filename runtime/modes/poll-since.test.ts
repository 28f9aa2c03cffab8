import { describe, expect, it } from 'vitest';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { sinceOf } from './poll.ts';

const configFrom = (from: string | undefined): FlowConfig =>
  ({ flow: { spec: from === undefined ? {} : { initialSync: { from } } } }) as FlowConfig;

describe('where a poll starts reading', () => {
  const startedAtMs = Date.parse('2026-05-19T10:00:00Z');
  const overlapMs = 120_000;
  it.each<[string, string | undefined, { modifiedMs: number; key: string } | undefined, number]>([
    ['the cursor minus the overlap', 'now', { modifiedMs: 5_000_000, key: '7' }, 4_880_000],
    [
      'a new flow from now: the overlap before its first poll',
      undefined,
      undefined,
      startedAtMs - overlapMs,
    ],
    ['a new flow from now, said so', 'now', undefined, startedAtMs - overlapMs],
    ['a new flow from the beginning', 'beginning', undefined, 0],
    [
      'a new flow from a timestamp',
      '2026-05-01T00:00:00Z',
      undefined,
      Date.parse('2026-05-01T00:00:00Z'),
    ],
  ])('%s', (_, from, cursor, expected) => {
    expect(sinceOf(configFrom(from), { cursor, overlapMs, startedAtMs })).toBe(expected);
  });
});
