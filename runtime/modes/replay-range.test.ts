import { describe, expect, it } from 'vitest';
import {
  isReplayDone,
  replayRangesFor,
  withinRange,
  type PartitionOffsets,
} from './replay-range.ts';

const from = '2025-03-14T06:00:00Z';
const p = (partition: number, low: number, high: number, atFrom: number): PartitionOffsets => ({
  partition,
  low,
  high,
  atFrom,
});

describe('replayRangesFor', () => {
  it.each<[string, PartitionOffsets[], { partition: number; from: number; to: number }[]]>([
    ['a whole log never truncated', [p(0, 0, 10, 0)], [{ partition: 0, from: 0, to: 10 }]],
    ['from the middle of the log', [p(0, 0, 10, 4)], [{ partition: 0, from: 4, to: 10 }]],
    [
      'a truncated log whose first retained record is older than from',
      [p(0, 5, 10, 7)],
      [{ partition: 0, from: 7, to: 10 }],
    ],
    ['nothing since from', [p(0, 0, 10, -1)], [{ partition: 0, from: 10, to: 10 }]],
    ['an empty partition', [p(0, 0, 0, -1)], [{ partition: 0, from: 0, to: 0 }]],
    [
      'partitions sorted by number',
      [p(1, 0, 3, 1), p(0, 0, 2, 0)],
      [
        { partition: 0, from: 0, to: 2 },
        { partition: 1, from: 1, to: 3 },
      ],
    ],
  ])('replays %s', (_name, partitions, ranges) => {
    expect(replayRangesFor('stock', from, partitions)).toEqual({ ranges });
  });

  it('refuses a from before the start of a truncated log, naming the partition and offset', () => {
    const result = replayRangesFor('stock', from, [p(0, 0, 4, 1), p(1, 6, 9, 6)]);
    expect('refused' in result && result.refused).toMatch(
      /before the start of the log of stock partition 1: records before offset 6 were removed/,
    );
  });

  it('does not refuse a truncated partition with nothing since from', () => {
    expect(replayRangesFor('stock', from, [p(0, 6, 6, -1)])).toEqual({
      ranges: [{ partition: 0, from: 6, to: 6 }],
    });
  });
});

describe('isReplayDone and withinRange', () => {
  const ranges = [
    { partition: 0, from: 2, to: 5 },
    { partition: 1, from: 3, to: 3 },
  ];
  it.each<[string, [number, number][], boolean]>([
    ['nothing committed', [], false],
    ['one partition short', [[0, 4]], false],
    ['every partition at its end', [[0, 5]], true],
    ['beyond the end', [[0, 9]], true],
  ])('is done with %s: %s', (_name, committed, done) => {
    expect(isReplayDone(ranges, new Map(committed))).toBe(done);
  });

  it('keeps only offsets inside the range', () => {
    const messages = ['1', '2', '4', '5', '6'].map((offset) => ({ offset }));
    expect(withinRange(messages, ranges[0]).map((m) => m.offset)).toEqual(['2', '4']);
    expect(withinRange(messages, undefined)).toEqual([]);
  });
});
