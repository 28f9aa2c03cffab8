// Answers of a generic JSON REST delta endpoint, in the three paging shapes such APIs use:
// `page`+`pageSize` and `offset`+`limit` (counting from the start of the result, so a row that
// changes between two pages shifts the rest, as on real servers) and an opaque `cursor` in a
// `nextLink` (keyset: the next page starts after the last row sent). `modifiedSince` is
// inclusive; rows come in change order; ISO timestamps.
import type { Answer } from './odata-dialect.ts';
import type { ErpRow, ErpStore } from './erp-store.ts';

export type RestPaging = 'page' | 'offset' | 'cursor';

const json = (status: number, body: unknown): Answer => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

function render(store: ErpStore, row: ErpRow): Record<string, unknown> {
  const { keyField, modifiedField } = store.entity;
  return {
    ...row.fields,
    [keyField]: row.key,
    [modifiedField]: new Date(row.modifiedMs).toISOString(),
  };
}

function number(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  return raw === null ? fallback : Number(raw);
}

function afterCursor(rows: ErpRow[], cursor: string | null): ErpRow[] {
  if (cursor === null) return rows;
  const { m, k } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
    m: number;
    k: string;
  };
  return rows.filter((r) => r.modifiedMs > m || (r.modifiedMs === m && r.key > k));
}

export function queryRest(
  store: ErpStore,
  request: { url: URL; paging: RestPaging; maxPageSize: number },
): Answer {
  const { url, paging, maxPageSize } = request;
  const since = url.searchParams.get('modifiedSince');
  const sinceMs = since === null ? undefined : Date.parse(since);
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    return json(400, { error: `modifiedSince is not a time: ${since}` });
  const { keyField, modifiedField } = store.entity;
  const rows = store.select(
    (row) => sinceMs === undefined || row.modifiedMs >= sinceMs,
    [modifiedField, keyField],
  );
  const items = (list: ErpRow[]): unknown[] => list.map((r) => render(store, r));
  if (paging === 'page') {
    const page = number(url, 'page', 1);
    const size = Math.min(number(url, 'pageSize', 50), maxPageSize);
    const slice = rows.slice((page - 1) * size, page * size);
    return json(200, { items: items(slice), page, pageSize: size, total: rows.length });
  }
  if (paging === 'offset') {
    const offset = number(url, 'offset', 0);
    const limit = Math.min(number(url, 'limit', 50), maxPageSize);
    return json(200, {
      items: items(rows.slice(offset, offset + limit)),
      offset,
      limit,
      total: rows.length,
    });
  }
  const limit = Math.min(number(url, 'limit', 50), maxPageSize);
  const rest = afterCursor(rows, url.searchParams.get('cursor'));
  const slice = rest.slice(0, limit);
  const last = slice.at(-1);
  if (last === undefined || rest.length <= limit) return json(200, { items: items(slice) });
  const next = new URL(url);
  next.searchParams.delete('modifiedSince');
  const cursor = Buffer.from(JSON.stringify({ m: last.modifiedMs, k: last.key })).toString(
    'base64url',
  );
  next.searchParams.set('cursor', cursor);
  return json(200, { items: items(slice), nextLink: `${next.pathname}${next.search}` });
}
