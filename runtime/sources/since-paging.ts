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
  /** Rows at exactly `sinceMs` with a key after this one (a tie longer than a page). */
  tieKey?: string;
  /** Rows strictly after `sinceMs` (the tie at `sinceMs` is read). */
  exclusive?: boolean;
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

/** Key order as servers sort them: integer ids numerically (`9` before `10`), text by code unit. */
export function compareKeys(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isAfter(row: DeltaRow, cursor: DeltaCursor): boolean {
  if (row.modifiedMs !== cursor.modifiedMs) return row.modifiedMs > cursor.modifiedMs;
  return compareKeys(row.key, cursor.key) > 0;
}

export function byChange(a: DeltaRow, b: DeltaRow): number {
  if (a.modifiedMs !== b.modifiedMs) return a.modifiedMs - b.modifiedMs;
  return compareKeys(a.key, b.key);
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
  options: NextOptions & { after?: DeltaCursor },
): Judged {
  const { request } = state;
  const signature = signatureOf(raw.rows);
  if (state.previous !== undefined && signature === state.previous && request.page > 1)
    return { rows: [], next: undefined };
  const after = options.after;
  const rows = [...raw.rows].sort(byChange).filter((r) => !after || isAfter(r, after));
  return {
    rows,
    next: nextRequestOf(
      request,
      raw.rows.length === 0 ? raw : { ...raw, rows: [...raw.rows].sort(byChange) },
      options,
    ),
  };
}

interface NextOptions {
  paging: SincePaging;
  limit: number;
  canSeek: boolean;
  canSeekKey?: boolean;
}

/** The request after a full page of the page/offset shapes: a seek where the source allows. */
function seekAfter(request: SinceRequest, raw: RawPage, options: NextOptions): SinceRequest {
  const last = raw.rows.at(-1);
  const lastMs = last?.modifiedMs ?? request.sinceMs;
  if (options.canSeek && lastMs > request.sinceMs) return { sinceMs: lastMs, page: 1 };
  if (options.canSeekKey && last) return { sinceMs: lastMs, page: 1, tieKey: last.key };
  return { ...request, page: request.page + 1 };
}

function nextRequestOf(
  request: SinceRequest,
  raw: RawPage,
  options: NextOptions,
): SinceRequest | undefined {
  if (options.paging === 'none') return undefined;
  if (options.paging === 'nextLink')
    return raw.link === undefined ? undefined : { ...request, link: raw.link };
  const short = raw.rows.length < options.limit;
  const counted = raw.total !== undefined && request.page * options.limit >= raw.total;
  if (!short && !counted) return seekAfter(request, raw, options);
  // A tie read to its end goes on after the tie's time.
  if (request.tieKey === undefined) return undefined;
  return { sinceMs: request.sinceMs, page: 1, exclusive: true };
}
