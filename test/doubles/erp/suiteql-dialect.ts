// SuiteQL answers of the NetSuite double: `POST …/query/v1/suiteql?limit&offset` with `{q}`,
// pages of at most 1,000 rows, no row past offset 100,000 of one query (the limit without
// SuiteAnalytics Connect), every value a string, and datetime columns written date-only in the
// account's format (`5/19/2026`) unless selected through TO_CHAR.
import { evaluate, parseFilter } from './expression.ts';
import type { Answer } from './odata-dialect.ts';
import type { ErpRow, ErpStore } from './erp-store.ts';

export const suiteqlMaxLimit = 1000;
export const suiteqlMaxRows = 100_000;

const queryPattern =
  /^SELECT\s+(?<select>.+?)\s+FROM\s+(?<table>\w+)(?:\s+(?!WHERE\b|ORDER\b)(?<alias>\w+))?(?:\s+WHERE\s+(?<where>.+?))?(?:\s+ORDER\s+BY\s+(?<order>.+))?$/is;
const toCharPattern = /TO_CHAR\(\s*(\w+)\s*,\s*'YYYY-MM-DD HH24:MI:SS'\s*\)\s+AS\s+(\w+)/gi;

function problem(status: number, detail: string, code: string): Answer {
  return {
    status,
    contentType: 'application/vnd.oracle.resource+json; type=error',
    body: JSON.stringify({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title: 'Bad Request',
      status,
      'o:errorDetails': [{ detail, 'o:errorCode': code }],
    }),
  };
}

function accountDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function render(store: ErpStore, row: ErpRow, toChar: [string, string][]): Record<string, unknown> {
  const { keyField, modifiedField } = store.entity;
  const out: Record<string, unknown> = { links: [] };
  // SuiteQL answers every column as text; it has no expanded navigations to render.
  for (const [k, v] of Object.entries(row.fields))
    out[k] = v === null || typeof v === 'object' ? null : String(v);
  out[keyField] = row.key;
  // `SELECT t.*` keeps the table's columns; TO_CHAR adds its alias.
  out[modifiedField] = accountDate(row.modifiedMs);
  for (const [column, alias] of toChar) {
    const value = store.valueOf(row, column);
    out[alias] = typeof value === 'number' && column === modifiedField ? isoSeconds(value) : value;
  }
  return out;
}

interface Parsed {
  where: string | undefined;
  order: string[];
  toChar: [string, string][];
}

/** `FROM (SELECT … FROM table WHERE inner) t`: the one inline view a delta reader wraps. */
const inlineViewPattern =
  /\bFROM\s*\(\s*SELECT\s+.+?\s+FROM\s+(?<table>\w+)(?:\s+WHERE\s+(?<where>.+?))?\s*\)\s*(?<alias>\w+)/is;

/** The inline view flattened to its table, its WHERE kept for AND-ing with the outer one. */
function flattened(q: string): { text: string; inner: string | undefined } {
  const view = inlineViewPattern.exec(q);
  if (!view?.groups) return { text: q, inner: undefined };
  const { table = '', where, alias = '' } = view.groups;
  return { text: q.replace(view[0], `FROM ${table} ${alias}`), inner: where };
}

function bothOf(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined ? a : `(${a}) AND (${b})`;
}

function parseQuery(store: ErpStore, q: string): Parsed | undefined {
  const { text: flat, inner } = flattened(q);
  const aliased = /\bFROM\s+\w+\s+(?!WHERE\b|ORDER\b)(\w+)/i.exec(flat)?.[1];
  const text = aliased ? flat.replace(new RegExp(`\\b${aliased}\\.`, 'g'), '') : flat;
  const groups = queryPattern.exec(text.trim())?.groups;
  if (!groups || groups['table']?.toLowerCase() !== store.entity.name) return undefined;
  return {
    where: bothOf(inner, groups['where']),
    order: (groups['order'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    toChar: [...(groups['select'] ?? '').matchAll(toCharPattern)].map(
      (m) => [m[1] ?? '', m[2] ?? ''] as [string, string],
    ),
  };
}

function pageAnswer(
  store: ErpStore,
  url: URL,
  page: { rows: ErpRow[]; offset: number; limit: number; toChar: [string, string][] },
): Answer {
  const { rows, offset, limit } = page;
  const items = rows.slice(offset, offset + limit);
  const hasMore = offset + items.length < rows.length;
  const next = new URL(url);
  next.searchParams.set('offset', String(offset + limit));
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      links: [
        { rel: 'self', href: url.toString() },
        ...(hasMore ? [{ rel: 'next', href: next.toString() }] : []),
      ],
      count: items.length,
      hasMore,
      items: items.map((row) => render(store, row, page.toChar)),
      offset,
      totalResults: rows.length,
    }),
  };
}

export function querySuiteQL(store: ErpStore, url: URL, q: string): Answer {
  const limit = Number(url.searchParams.get('limit') ?? suiteqlMaxLimit);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  if (limit > suiteqlMaxLimit)
    return problem(400, `limit ${limit} exceeds ${suiteqlMaxLimit}`, 'INVALID_PARAMETER');
  if (offset + limit > suiteqlMaxRows)
    return problem(400, 'The query result exceeds 100000 rows.', 'INVALID_PARAMETER');
  try {
    const parsed = parseQuery(store, q);
    if (!parsed) return problem(400, `Invalid search query: ${q}`, 'INVALID_PARAMETER');
    const node = parsed.where ? parseFilter(parsed.where) : undefined;
    const rows = store.select(
      (row) => node === undefined || evaluate(node, (name) => store.valueOf(row, name)),
      parsed.order,
    );
    return pageAnswer(store, url, { rows, offset, limit, toChar: parsed.toChar });
  } catch (err) {
    return problem(400, `Invalid search query: ${(err as Error).message}`, 'INVALID_PARAMETER');
  }
}
