import { describe, expect, it } from 'vitest';
import { archivesToReplay, removedArchiveOf, type ArchiveEntry } from './replay-archives.ts';

const hour = 3_600_000;
const t0 = Date.parse('2026-05-19T00:00:00Z');
const at = (hours: number): number => t0 + hours * hour;
const archive = (runId: string, hours: number, firstOffset = hours * 10): ArchiveEntry => ({
  runId,
  topic: 'sf.prod.shop.stock.archive',
  partition: 0,
  firstOffset,
  lastOffset: firstOffset + 3,
  chunks: 3,
  bytes: 1_500_000,
  sha256: 'ab'.repeat(32),
  fileId: `/stock.csv|${runId}`,
  format: 'csv',
  sourceName: `file:${runId}`,
  asOfMs: at(hours),
});
const from = (hours: number): { ms: number; iso: string } => ({
  ms: at(hours),
  iso: new Date(at(hours)).toISOString(),
});

describe('archivesToReplay', () => {
  it.each<[string, number, ArchiveEntry[], number | undefined, string[]]>([
    [
      'every archive since from, oldest first',
      1,
      [archive('c', 3), archive('b', 2)],
      undefined,
      ['b', 'c'],
    ],
    ['an archive exactly at from', 2, [archive('a', 1), archive('b', 2)], undefined, ['b']],
    ['a from before any import, nothing ever pruned', -48, [archive('a', 1)], undefined, ['a']],
    ['nothing imported since from', 5, [archive('a', 1)], undefined, []],
    ['no archive at all and nothing imported', 0, [], undefined, []],
    [
      'pruned exports all older than from',
      3,
      [archive('c', 3), archive('d', 4)],
      at(2),
      ['c', 'd'],
    ],
    [
      'equal as-of times ordered by run',
      0,
      [archive('y', 1), archive('x', 1)],
      undefined,
      ['x', 'y'],
    ],
  ])('%s', (...[, fromHours, archives, horizonMs, expected]) => {
    const result = archivesToReplay(from(fromHours), archives, horizonMs);
    expect('archives' in result ? result.archives.map((a) => a.runId) : result).toEqual(expected);
  });

  it.each<[string, number, ArchiveEntry[], number, RegExp]>([
    [
      'a from before a pruned export',
      1,
      [archive('c', 3)],
      at(2),
      /export as of 2026-05-19T02:00:00.000Z .* oldest archived export is as of 2026-05-19T03:00:00.000Z/,
    ],
    [
      'an export imported without an archive',
      0,
      [],
      at(1),
      /is not archived \(no export of this flow is archived/,
    ],
    ['a pruned export exactly at from', 2, [archive('c', 3)], at(2), /before the oldest archived/],
  ])('refuses %s, saying why', (...[, fromHours, archives, horizonMs, message]) => {
    const result = archivesToReplay(from(fromHours), archives, horizonMs);
    expect('refused' in result ? result.refused : result).toMatch(message);
  });

  it.each<[string, ArchiveEntry[], Record<string, Map<number, number>>, RegExp | undefined]>([
    [
      'archives all above the log start',
      [archive('a', 1), archive('b', 2)],
      { t: new Map([[0, 5]]) },
      undefined,
    ],
    [
      'an archive exactly at the log start',
      [archive('a', 1)],
      { t: new Map([[0, 10]]) },
      undefined,
    ],
    [
      'an archive whose first chunks retention removed',
      [archive('a', 1), archive('b', 2)],
      { t: new Map([[0, 11]]) },
      /before the start of the archive: the export as of 2026-05-19T01:00:00.000Z \(run a\) was at offsets 10-13 of sf.prod.shop.stock.archive partition 0, whose log now starts at 11 \(retention removed it\)/,
    ],
    ['an archive topic that is gone', [archive('a', 1)], {}, /which does not exist any more/],
  ])('%s', (...[, archives, starts, expected]) => {
    const problem = removedArchiveOf(from(0), archives, (topic) =>
      topic === 'sf.prod.shop.stock.archive' ? starts['t'] : undefined,
    );
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
