// OData delta reader, v4 (Business Central, Epicor) and v2 (SAP A2X): `$filter` on the change
// field, `$orderby` (modified[, time], keys), `$top` and a count per page, paged by seeking
// after the last row read. A server's next link (`@odata.nextLink`, `__next`) only says that
// more rows exist: many servers page by offset behind it, which skips rows that change while a
// poll pages. v2 dates arrive as `/Date(ms)/`; SAP's date-only change fields come with a
// separate Edm.Time field, and both take part in the filter, the order and the cursor.
import { posix } from 'node:path';
import { SaxesParser } from 'saxes';
import type { OdataSource } from './source-specs.ts';
import {
  keyOf,
  keysConditionOf,
  odataOperators,
  seekConditionOf,
  splitKey,
  type DeltaBound,
  type DeltaPage,
  type DeltaReader,
  type DeltaRow,
  type SeekColumn,
} from './delta.ts';
import type { ErpClient } from './erp-client.ts';

const dayMs = 86_400_000;
const sapDate = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/** Properties of the entity type behind `entitySet` in an EDMX document (v4 or v2). */
export function propertiesOf(edmx: string, entitySet: string): string[] {
  const types = new Map<string, string[]>();
  let typeOfSet: string | undefined;
  let current: string[] | undefined;
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const name = tag.name.replace(/^.*:/, '');
    const attr = (a: string): string => String(tag.attributes[a] ?? '');
    if (name === 'EntityType') types.set(attr('Name'), (current = []));
    else if (name === 'Property' && current) current.push(attr('Name'));
    else if (name === 'EntitySet' && attr('Name') === entitySet)
      typeOfSet = attr('EntityType').replace(/^.*\./, '');
  });
  parser.on('closetag', (tag) => {
    if (tag.name.replace(/^.*:/, '') === 'EntityType') current = undefined;
  });
  parser.write(edmx).close();
  return typeOfSet === undefined ? [] : (types.get(typeOfSet) ?? []);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Epoch ms of a v4 ISO value, a v2 `/Date(ms)/`, or a v2 Edm.Time `PT09H30M05S` (ms of day). */
export function odataTimeMs(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const sap = sapDate.exec(raw);
  if (sap) return Number(sap[1]);
  const time = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$/.exec(raw);
  if (time)
    return ((Number(time[1] ?? 0) * 60 + Number(time[2] ?? 0)) * 60 + Number(time[3] ?? 0)) * 1000;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

export class ODataReader implements DeltaReader {
  readonly name: string;
  readonly #client: ErpClient;
  readonly #spec: OdataSource;
  readonly #version: 4 | 2;

  constructor(client: ErpClient, spec: OdataSource, version: 4 | 2) {
    this.#client = client;
    this.#spec = spec;
    this.#version = version;
    this.name = `odata:${spec.entitySet}`;
  }

  async fields(): Promise<string[] | undefined> {
    const dir = posix.dirname(this.#spec.entitySet);
    const edmx = await this.#client.text(this.#client.urlOf(posix.join(dir, '$metadata')));
    const names = propertiesOf(edmx, posix.basename(this.#spec.entitySet));
    return names.length === 0 ? undefined : names;
  }

  async page(bound: DeltaBound, limit: number): Promise<DeltaPage> {
    const url = this.#client.urlOf(this.#spec.entitySet, this.#paramsFor(bound, limit));
    const body = await this.#client.json('GET', url, {
      headers: { prefer: `odata.maxpagesize=${limit}` },
    });
    const { items, count, next } = this.#unwrap(body);
    const rows = items.map((item) => this.#rowOf(item));
    const more = count === undefined ? next || rows.length >= limit : rows.length < count;
    return { rows, more, ...(count === undefined ? {} : { total: count }) };
  }

  /** By key, without the spec's extra filter: a notification names its entity. */
  async entities(keys: readonly string[]): Promise<DeltaRow[]> {
    const { keyFields, modifiedField, modifiedTimeField, select, expand } = this.#spec;
    const order = [modifiedField, ...(modifiedTimeField ? [modifiedTimeField] : []), ...keyFields];
    const url = this.#client.urlOf(this.#spec.entitySet, {
      $filter: keysConditionOf(keyFields, keys, { ops: odataOperators, literal: quoted }),
      $top: String(keys.length),
      ...(this.#version === 2 ? { $format: 'json' } : {}),
      ...(select ? { $select: [...new Set([...select, ...order])].join(',') } : {}),
      ...(expand ? { $expand: expand.join(',') } : {}),
    });
    const body = await this.#client.json('GET', url, {
      headers: { prefer: `odata.maxpagesize=${keys.length}` },
    });
    return this.#unwrap(body).items.map((item) => this.#rowOf(item));
  }

  #timeColumns(ms: number): SeekColumn[] {
    const { modifiedField, modifiedTimeField } = this.#spec;
    const iso = new Date(ms).toISOString();
    if (modifiedTimeField === undefined) {
      const literal = this.#version === 4 ? iso : `datetimeoffset'${iso}'`;
      return [{ name: modifiedField, literal }];
    }
    const d = new Date(ms);
    return [
      { name: modifiedField, literal: `datetime'${iso.slice(0, 10)}T00:00:00'` },
      {
        name: modifiedTimeField,
        literal: `time'PT${pad(d.getUTCHours())}H${pad(d.getUTCMinutes())}M${pad(d.getUTCSeconds())}S'`,
      },
    ];
  }

  #paramsFor(bound: DeltaBound, limit: number): Record<string, string> {
    const { keyFields, modifiedField, modifiedTimeField, filter, select, expand } = this.#spec;
    const seek =
      'sinceMs' in bound
        ? seekConditionOf(this.#timeColumns(bound.sinceMs), odataOperators, true)
        : seekConditionOf(
            [
              ...this.#timeColumns(bound.after.modifiedMs),
              ...splitKey(bound.after.key, keyFields.length).map((v, i) => ({
                name: keyFields[i] ?? '',
                literal: quoted(v),
              })),
            ],
            odataOperators,
          );
    const order = [modifiedField, ...(modifiedTimeField ? [modifiedTimeField] : []), ...keyFields];
    return {
      $filter: filter ? `(${filter}) and ${seek}` : seek,
      $orderby: order.map((f) => `${f} asc`).join(','),
      $top: String(limit),
      ...(this.#version === 4 ? { $count: 'true' } : { $inlinecount: 'allpages', $format: 'json' }),
      ...(select ? { $select: [...new Set([...select, ...order])].join(',') } : {}),
      ...(expand ? { $expand: expand.join(',') } : {}),
    };
  }

  #unwrap(body: unknown): { items: Record<string, unknown>[]; count?: number; next: boolean } {
    const b = body as Record<string, unknown>;
    if (this.#version === 4) {
      const count = b['@odata.count'];
      return {
        items: (b['value'] ?? []) as Record<string, unknown>[],
        ...(typeof count === 'number' ? { count } : {}),
        next: typeof b['@odata.nextLink'] === 'string',
      };
    }
    const d = (b['d'] ?? {}) as Record<string, unknown>;
    const count = d['__count'];
    return {
      items: (d['results'] ?? []) as Record<string, unknown>[],
      ...(count === undefined ? {} : { count: Number(count) }),
      next: typeof d['__next'] === 'string',
    };
  }

  #rowOf(item: Record<string, unknown>): DeltaRow {
    const { keyFields, modifiedField, modifiedTimeField } = this.#spec;
    const data = { ...item };
    delete data['__metadata'];
    const date = odataTimeMs(item[modifiedField]);
    const time = modifiedTimeField === undefined ? 0 : odataTimeMs(item[modifiedTimeField]);
    if (date === undefined || time === undefined)
      throw new Error(
        `${this.name}: row ${JSON.stringify(keyFields.map((f) => item[f]))} has no readable ${modifiedField}`,
      );
    // A date-only field is midnight UTC; the time field adds the time of day.
    const modifiedMs = modifiedTimeField === undefined ? date : date - (date % dayMs) + time;
    return { key: keyOf(keyFields.map((f) => item[f])), modifiedMs, data };
  }
}
