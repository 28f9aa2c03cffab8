// NetSuite SuiteQL delta reader: `POST …/services/rest/query/v1/suiteql` with a query the
// runtime completes with the delta condition and `ORDER BY (modified, id)`. Every page is a new
// query seeking after the last row, at offset 0: pages stay at 1,000 rows and no query comes
// near the 100,000-row limit however large the delta. SuiteQL writes datetimes date-only in the
// account's format, so the change time is selected again through TO_CHAR (read as UTC).
import {
  keysConditionOf,
  seekConditionOf,
  sqlOperators,
  type DeltaBound,
  type DeltaPage,
  type DeltaReader,
  type DeltaRow,
} from './delta.ts';
import type { ErpClient } from './erp-client.ts';
import type { SuiteqlSource } from './source-specs.ts';

const modifiedAlias = 'sf_modified';
const timestampFormat = 'YYYY-MM-DD HH24:MI:SS';

function timestampLiteral(ms: number): string {
  const text = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  return `TO_TIMESTAMP('${text}', '${timestampFormat}')`;
}

function keyLiteral(key: string): string {
  return /^\d+$/.test(key) ? key : `'${key.replaceAll("'", "''")}'`;
}

/** The SuiteQL text of one page. */
export function suiteqlFor(spec: SuiteqlSource, bound: DeltaBound): string {
  const m = `t.${spec.modifiedField}`;
  const k = `t.${spec.keyField}`;
  const from = spec.recordType ?? `(${spec.query ?? ''})`;
  const seek =
    'sinceMs' in bound
      ? seekConditionOf([{ name: m, literal: timestampLiteral(bound.sinceMs) }], sqlOperators, true)
      : seekConditionOf(
          [
            { name: m, literal: timestampLiteral(bound.after.modifiedMs) },
            { name: k, literal: keyLiteral(bound.after.key) },
          ],
          sqlOperators,
        );
  return `SELECT t.*, TO_CHAR(${m}, '${timestampFormat}') AS ${modifiedAlias} FROM ${from} t WHERE ${seek} ORDER BY ${m}, ${k}`;
}

/** The SuiteQL text reading the rows with these keys. */
export function suiteqlByKeysFor(spec: SuiteqlSource, keys: readonly string[]): string {
  const m = `t.${spec.modifiedField}`;
  const from = spec.recordType ?? `(${spec.query ?? ''})`;
  const where = keysConditionOf([`t.${spec.keyField}`], keys, {
    ops: sqlOperators,
    literal: keyLiteral,
  });
  return `SELECT t.*, TO_CHAR(${m}, '${timestampFormat}') AS ${modifiedAlias} FROM ${from} t WHERE ${where}`;
}

export class SuiteqlReader implements DeltaReader {
  readonly name: string;
  readonly #client: ErpClient;
  readonly #spec: SuiteqlSource;

  constructor(client: ErpClient, spec: SuiteqlSource) {
    this.#client = client;
    this.#spec = spec;
    this.name = `suiteql:${spec.recordType ?? 'query'}`;
  }

  /** SuiteQL has no schema document: the first records tell. */
  fields(): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }

  async page(bound: DeltaBound, limit: number): Promise<DeltaPage> {
    const body = await this.#query(suiteqlFor(this.#spec, bound), limit);
    const rows = (body.items ?? []).map((item) => this.#rowOf(item));
    return {
      rows,
      more: body.hasMore === true,
      ...(typeof body.totalResults === 'number' ? { total: body.totalResults } : {}),
    };
  }

  async entities(keys: readonly string[]): Promise<DeltaRow[]> {
    const body = await this.#query(suiteqlByKeysFor(this.#spec, keys), keys.length);
    return (body.items ?? []).map((item) => this.#rowOf(item));
  }

  async #query(
    q: string,
    limit: number,
  ): Promise<{ items?: Record<string, unknown>[]; hasMore?: boolean; totalResults?: number }> {
    const url = this.#client.urlOf('services/rest/query/v1/suiteql', {
      limit: String(Math.min(limit, 1000)),
      offset: '0',
    });
    return (await this.#client.json('POST', url, {
      body: JSON.stringify({ q }),
      headers: { prefer: 'transient' },
    })) as { items?: Record<string, unknown>[]; hasMore?: boolean; totalResults?: number };
  }

  #rowOf(item: Record<string, unknown>): DeltaRow {
    const modified = item[modifiedAlias];
    const data = { ...item };
    delete data['links'];
    delete data[modifiedAlias];
    const modifiedMs = Date.parse(`${String(modified).replace(' ', 'T')}Z`);
    if (Number.isNaN(modifiedMs))
      throw new Error(
        `${this.name}: row ${String(item[this.#spec.keyField])} has no readable ${this.#spec.modifiedField}`,
      );
    return { key: String(item[this.#spec.keyField]), modifiedMs, data };
  }
}
