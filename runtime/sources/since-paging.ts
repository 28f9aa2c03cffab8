// Paging of sources that filter only by "changed since" and page the server's way (a page
// number, an offset, an opaque next link): generic REST and Commerce searchCriteria. Pure.
// Page and offset paging skip a row whenever an earlier row changes between two pages (the
// rest shifts back by one), so when the source takes a since parameter a page number never
// goes past 1: the next query asks again from the last change time read, and rows at or
// before the cursor are dropped. Only a page full of one timestamp moves to the next page.
// A page equal to the one before is past the end (Commerce repeats its last page).
import type { DeltaCursor, DeltaRow } from './delta.ts';

export type SincePaging = 'page' | 'offset' | 'nextLink' | 'none';

export interface SinceRequest {
  sinceMs: number;
  /** 1-based page of the query from `sinceMs`. */
  page: number;
  /** The server's next link (nextLink paging after the first page). */
  link?: string;
}

export interface RawPage {
  rows: DeltaRow[];
  link?: string | undefined;
  /** Rows the query matches, where the server counts them. */
  total?: number | undefined;
}

export interface PagingState {
  request: SinceRequest;
  /** Signature of the last raw page, to spot a repeated page. */
  previous?: string;
}

function isAfter(row: DeltaRow, cursor: DeltaCursor): boolean {
  return (
    row.modifiedMs > cursor.modifiedMs ||
    (row.modifiedMs === cursor.modifiedMs && row.key > cursor.key)
  );
}

export function byChange(a: DeltaRow, b: DeltaRow): number {
  if (a.modifiedMs !== b.modifiedMs) return a.modifiedMs - b.modifiedMs;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function signatureOf(rows: readonly DeltaRow[]): string {
  return rows.map((r) => `${r.key}@${r.modifiedMs}`).join(',');
}

export interface Judged {
  /** Rows after the cursor, in change order. */
  rows: DeltaRow[];
  /** The request for the rest, or undefined when this was the last page. */
  next: SinceRequest | undefined;
}

/** What a raw page yields and which request reads on. */
export function judgePage(
  state: PagingState,
  raw: RawPage,
  options: { paging: SincePaging; limit: number; after?: DeltaCursor; canSeek: boolean },
): Judged {
  const { request } = state;
  const signature = signatureOf(raw.rows);
  if (state.previous !== undefined && signature === state.previous && request.page > 1)
    return { rows: [], next: undefined };
  const after = options.after;
  const rows = [...raw.rows].sort(byChange).filter((r) => !after || isAfter(r, after));
  return { rows, next: nextRequestOf(request, raw, options) };
}

function nextRequestOf(
  request: SinceRequest,
  raw: RawPage,
  options: { paging: SincePaging; limit: number; canSeek: boolean },
): SinceRequest | undefined {
  if (options.paging === 'none') return undefined;
  if (options.paging === 'nextLink')
    return raw.link === undefined ? undefined : { ...request, link: raw.link };
  const short = raw.rows.length < options.limit;
  const counted = raw.total !== undefined && request.page * options.limit >= raw.total;
  if (short || counted) return undefined;
  const lastMs = Math.max(...raw.rows.map((r) => r.modifiedMs));
  if (options.canSeek && lastMs > request.sinceMs) return { sinceMs: lastMs, page: 1 };
  return { sinceMs: request.sinceMs, page: request.page + 1 };
}
