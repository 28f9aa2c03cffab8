import { describe, expect, it } from 'vitest';
import type { DeltaRow } from './delta.ts';
import { judgePage, type RawPage, type SincePaging } from './since-paging.ts';

const row = (key: string, modifiedMs: number): DeltaRow => ({ key, modifiedMs, data: {} });
const page = (...rows: DeltaRow[]): RawPage => ({ rows });

describe('judgePage', () => {
  it.each<{
    name: string;
    paging: SincePaging;
    canSeek?: boolean;
    canSeekKey?: boolean;
    request: { sinceMs: number; page: number; tieKey?: string };
    previous?: string;
    raw: RawPage;
    after?: { modifiedMs: number; key: string };
    keys: string[];
    next: unknown;
  }>([
    {
      name: 'a full page seeks from its last change time, not to page 2',
      paging: 'page',
      request: { sinceMs: 0, page: 1 },
      raw: page(row('a', 10), row('b', 20)),
      keys: ['a', 'b'],
      next: { sinceMs: 20, page: 1 },
    },
    {
      name: 'a full page of one timestamp goes to the next page',
      paging: 'offset',
      request: { sinceMs: 20, page: 1 },
      raw: page(row('b', 20), row('c', 20)),
      after: { modifiedMs: 20, key: 'b' },
      keys: ['c'],
      next: { sinceMs: 20, page: 2 },
    },
    {
      name: 'without a since parameter pages count up',
      paging: 'page',
      canSeek: false,
      request: { sinceMs: 0, page: 1 },
      raw: page(row('a', 10), row('b', 20)),
      keys: ['a', 'b'],
      next: { sinceMs: 0, page: 2 },
    },
    {
      name: 'a short page is the last',
      paging: 'page',
      request: { sinceMs: 0, page: 1 },
      raw: page(row('a', 10)),
      keys: ['a'],
      next: undefined,
    },
    {
      name: 'a counted end is the last page (Commerce total_count)',
      paging: 'page',
      canSeek: false,
      request: { sinceMs: 0, page: 2 },
      raw: { rows: [row('c', 30), row('d', 40)], total: 4 },
      keys: ['c', 'd'],
      next: undefined,
    },
    {
      name: 'a repeated page is past the end (Commerce repeats its last page)',
      paging: 'page',
      canSeek: false,
      request: { sinceMs: 0, page: 3 },
      previous: 'c@30,d@40',
      raw: page(row('c', 30), row('d', 40)),
      keys: [],
      next: undefined,
    },
    {
      name: 'rows at or before the cursor are dropped, the rest sorted by change',
      paging: 'page',
      request: { sinceMs: 20, page: 1 },
      raw: page(row('z', 30), row('a', 20), row('b', 20)),
      after: { modifiedMs: 20, key: 'a' },
      keys: ['b', 'z'],
      next: { sinceMs: 30, page: 1 },
    },
    {
      name: 'a tie longer than a page seeks by key where the source can (Commerce)',
      paging: 'page',
      canSeekKey: true,
      request: { sinceMs: 20, page: 1 },
      raw: page(row('10', 20), row('9', 20)),
      keys: ['9', '10'],
      next: { sinceMs: 20, page: 1, tieKey: '10' },
    },
    {
      name: 'a tie read to its end goes on after its time',
      paging: 'page',
      canSeekKey: true,
      request: { sinceMs: 20, page: 1, tieKey: '10' },
      raw: page(row('11', 20)),
      keys: ['11'],
      next: { sinceMs: 20, page: 1, exclusive: true },
    },
    {
      name: 'a next link is followed unchanged',
      paging: 'nextLink',
      request: { sinceMs: 0, page: 1 },
      raw: { rows: [row('a', 10), row('b', 20)], link: '/stock?cursor=x' },
      keys: ['a', 'b'],
      next: { sinceMs: 0, page: 1, link: '/stock?cursor=x' },
    },
    {
      name: 'no next link is the end',
      paging: 'nextLink',
      request: { sinceMs: 0, page: 1 },
      raw: page(row('a', 10), row('b', 20)),
      keys: ['a', 'b'],
      next: undefined,
    },
    {
      name: 'paging none reads once',
      paging: 'none',
      request: { sinceMs: 0, page: 1 },
      raw: page(row('a', 10), row('b', 20)),
      keys: ['a', 'b'],
      next: undefined,
    },
  ])('$name', ({ paging, canSeek, canSeekKey, request, previous, raw, after, keys, next }) => {
    const judged = judgePage({ request, ...(previous === undefined ? {} : { previous }) }, raw, {
      paging,
      limit: 2,
      canSeek: canSeek ?? true,
      canSeekKey: canSeekKey ?? false,
      ...(after ? { after } : {}),
    });
    expect(judged.rows.map((r) => r.key)).toEqual(keys);
    expect(judged.next).toEqual(next);
  });
});
