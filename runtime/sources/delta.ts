// What every delta-read source shares: the (modified, key) cursor, the rows a page yields, the
// reader each ERP dialect implements, and the keyset ("seek") condition that pages by the last
// row read instead of an offset. Offset paging (including offset skiptokens behind a nextLink)
// skips a row whenever an earlier row changes between two pages; a seek cannot. Pure.

export interface DeltaCursor {
  /** Epoch ms of the last applied row's change time. */
  modifiedMs: number;
  /** Its key; ties on modifiedMs are ordered by key. */
  key: string;
}

export interface DeltaRow {
  key: string;
  modifiedMs: number;
  /** The record as the source sent it, minus protocol fields (`__metadata`, `links`). */
  data: Record<string, unknown>;
}

/** The first page reads everything changed at or after `sinceMs`; later pages seek after a row. */
export type DeltaBound = { sinceMs: number } | { after: DeltaCursor };

export interface DeltaPage {
  rows: DeltaRow[];
  /** Whether rows remain after this page (a next link, a count, or a full page). */
  more: boolean;
  /** Rows matching the query, where the source counts them (for the change-ratio guard). */
  total?: number;
  /** When the page's request was sent (runtime clock): its rows are at least that recent. */
  readAtMs?: number;
}

export interface DeltaReader {
  /** For logs and CloudEvent `source`. */
  readonly name: string;
  /** Properties the source declares (`$metadata`), or undefined when only records tell. */
  fields(): Promise<string[] | undefined>;
  page(bound: DeltaBound, limit: number): Promise<DeltaPage>;
  /**
   * The current state of the entities with these keys, read in one request (notification
   * events carry keys only). A key with no row no longer exists. Absent where the dialect
   * cannot select by key.
   */
  entities?(keys: readonly string[]): Promise<DeltaRow[]>;
}

export interface SeekColumn {
  /** Property or column name. */
  name: string;
  /** The literal of the bound's value, in the dialect's syntax. */
  literal: string;
}

export interface Operators {
  gt: string;
  eq: string;
  ge: string;
  and: string;
  or: string;
}

export const odataOperators: Operators = { gt: 'gt', eq: 'eq', ge: 'ge', and: 'and', or: 'or' };
export const sqlOperators: Operators = { gt: '>', eq: '=', ge: '>=', and: 'AND', or: 'OR' };

/**
 * Rows after the bound in column order: `(c1 > v1) or (c1 = v1 and (…))`. With `inclusive`
 * the last column compares with `>=` (the first page: everything since a time).
 */
export function seekConditionOf(
  columns: readonly SeekColumn[],
  ops: Operators,
  inclusive = false,
): string {
  const [first, ...rest] = columns;
  if (first === undefined) throw new Error('a seek needs at least one column');
  if (rest.length === 0) return `${first.name} ${inclusive ? ops.ge : ops.gt} ${first.literal}`;
  const greater = `${first.name} ${ops.gt} ${first.literal}`;
  const equal = `${first.name} ${ops.eq} ${first.literal}`;
  return `(${greater} ${ops.or} (${equal} ${ops.and} ${seekConditionOf(rest, ops, inclusive)}))`;
}

/**
 * Rows whose key columns equal one of the keys: `(k1 eq 'a' and k2 eq 'b') or (…)` — several
 * entities in one query, where a per-key request would spend one call of the budget each.
 */
export function keysConditionOf(
  names: readonly string[],
  keys: readonly string[],
  options: { ops: Operators; literal: (value: string) => string },
): string {
  if (keys.length === 0) throw new Error('a key condition needs at least one key');
  const { ops, literal } = options;
  return keys
    .map((key) => {
      const values = splitKey(key, names.length);
      const terms = names.map((name, i) => `${name} ${ops.eq} ${literal(values[i] ?? '')}`);
      return terms.length === 1 ? (terms[0] ?? '') : `(${terms.join(` ${ops.and} `)})`;
    })
    .join(` ${ops.or} `);
}

/** Keys of several fields travel as one string; `|` never occurs in the ERPs' key values. */
export function keyOf(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join('|');
}

export function splitKey(key: string, count: number): string[] {
  const parts = key.split('|');
  return parts.length === count ? parts : [key, ...Array<string>(count - 1).fill('')];
}
