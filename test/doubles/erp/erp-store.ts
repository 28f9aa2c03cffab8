// The records an ERP double serves: one entity set of rows, each with a key and a modification
// time the test controls, so a test can change rows (also between two pages of a poll) and
// commit rows late (a modification time behind the clock, as a long ERP transaction does).
import type { Value } from './expression.ts';

/** An expanded navigation property, as OData v2 returns it for `$expand` (`{ results: [...] }`). */
export interface Navigation {
  results: Record<string, Field>[];
}
export type Field = Value | Navigation;

export interface ErpRow {
  key: string;
  fields: Record<string, Field>;
  modifiedMs: number;
}

export interface ErpEntity {
  /** Entity set (OData) or record type (SuiteQL). */
  name: string;
  keyField: string;
  /** Timestamp (OData v4, SuiteQL) or date-only (SAP, with `timeField`) change property. */
  modifiedField: string;
  /** SAP: the separate Edm.Time change property completing a date-only `modifiedField`. */
  timeField?: string;
  /** Properties declared in `$metadata` besides key and change fields. */
  properties: string[];
  /** SuiteQL internal ids are numbers: compare and sort keys numerically. */
  numericKey?: boolean;
}

const dayMs = 86_400_000;

export class ErpStore {
  readonly rows = new Map<string, ErpRow>();
  readonly entity: ErpEntity;
  readonly #nowMs: () => number;

  constructor(entity: ErpEntity, nowMs: () => number = () => Date.now()) {
    this.entity = entity;
    this.#nowMs = nowMs;
  }

  /** Creates or changes a row; its modification time is now unless given (a late commit). */
  put(key: string, fields: Record<string, Field>, modifiedMs?: number): ErpRow {
    // Second precision, as ERPs store change times.
    const at = Math.floor((modifiedMs ?? this.#nowMs()) / 1000) * 1000;
    const row = { key, fields: { ...this.rows.get(key)?.fields, ...fields }, modifiedMs: at };
    this.rows.set(key, row);
    return row;
  }

  /** Deletes a row: the ERP no longer has the entity. */
  remove(key: string): void {
    this.rows.delete(key);
  }

  /** Renames a property in the declared schema and in every row (schema drift). */
  renameProperty(from: string, to: string): void {
    this.entity.properties = this.entity.properties.map((p) => (p === from ? to : p));
    for (const row of this.rows.values()) {
      const { [from]: value, ...rest } = row.fields;
      row.fields = { ...rest, [to]: value ?? null };
    }
  }

  /** What a filter or sort sees for a property of the row. */
  valueOf(row: ErpRow, name: string): Value {
    const { keyField, modifiedField, timeField } = this.entity;
    if (name === keyField) return this.entity.numericKey ? Number(row.key) : row.key;
    if (name === modifiedField)
      return timeField ? row.modifiedMs - (row.modifiedMs % dayMs) : row.modifiedMs;
    if (name === timeField) return row.modifiedMs % dayMs;
    const value = row.fields[name] ?? null;
    // Filters and sorts compare properties, never navigations.
    return typeof value === 'object' && value !== null ? null : value;
  }

  /** Rows matching `filter`, sorted by the given properties ascending. */
  select(filter: (row: ErpRow) => boolean, orderBy: readonly string[]): ErpRow[] {
    const rows = [...this.rows.values()].filter(filter);
    return rows.sort((a, b) => {
      for (const name of orderBy) {
        const x = this.valueOf(a, name);
        const y = this.valueOf(b, name);
        if (x === y) continue;
        if (x === null) return -1;
        if (y === null) return 1;
        return x < y ? -1 : 1;
      }
      return 0;
    });
  }
}
