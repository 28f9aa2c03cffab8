// Document lines (order items, delivery or billing items) inside one source record: each line
// is read with the flow's `line*` mapping fields, whose paths are relative to the line, or with
// the defaults a Commerce order item uses. Pure: problems come back as sentences.
import { fieldOf, type FieldSpec, type FieldValue } from './field-path.ts';
import type { Fields } from './envelope.ts';

export interface LineFieldDefaults {
  [canonical: string]: FieldSpec;
}

/** A line as canonical values by name; `undefined` where the line does not carry the field. */
export type LineValues = Record<string, FieldValue | undefined>;

export interface LinesRead {
  lines: LineValues[];
  errors: string[];
}

/** Child rows of configurable/bundle items repeat their parent: only top-level rows are read. */
function isChildRow(line: unknown): boolean {
  if (line === null || typeof line !== 'object') return false;
  const parent = (line as Record<string, unknown>)['parent_item_id'];
  return parent !== undefined && parent !== null;
}

export function linesOf(
  raw: readonly unknown[],
  fields: Fields,
  defaults: LineFieldDefaults,
): LinesRead {
  const out: LinesRead = { lines: [], errors: [] };
  raw.forEach((line, index) => {
    if (isChildRow(line)) return;
    const values: LineValues = {};
    for (const [name, fallback] of Object.entries(defaults)) {
      const result = fieldOf(line, fields[name] ?? fallback);
      if ('error' in result) out.errors.push(`line ${index}: ${result.error}`);
      else values[name] = result.value;
    }
    out.lines.push(values);
  });
  return out;
}
