// Reads a typed value at a field path (`data.items[0].qty`) of a decoded source record. Pure:
// failures come back as reasons, never as exceptions.

import type { MappingField, MappingType } from '../../crds/syncflow.ts';

export type FieldType = MappingType;
/** A mapping field of the SyncFlow: a dot path (`[n]` indexes arrays) or a constant `value`. */
export type FieldSpec = Pick<MappingField, 'path' | 'value' | 'type' | 'map'>;

export type FieldValue = string | number | boolean | readonly unknown[] | object;
export type FieldResult = { value: FieldValue | undefined } | { error: string };

const segmentPattern = /[^.[\]]+/g;

/**
 * Paths come from the flow's mapping and a few constants, and are read for every event: each is
 * split once. Bounded anyway, should a caller ever pass paths built from data.
 */
const segmentsByPath = new Map<string, readonly string[]>();
const maxCachedPaths = 1000;

function segmentsOf(path: string): readonly string[] {
  let segments = segmentsByPath.get(path);
  if (segments === undefined) {
    segments = path.match(segmentPattern) ?? [];
    if (segmentsByPath.size >= maxCachedPaths) segmentsByPath.clear();
    segmentsByPath.set(path, segments);
  }
  return segments;
}

export function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const segment of segmentsOf(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

// SAP OData v2 writes dates as `/Date(1747647000000+0000)/`.
const sapDatePattern = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

function timestampOf(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  const sap = sapDatePattern.exec(raw);
  if (sap) return Number(sap[1]);
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const parsed = Number(raw);
  return Number.isFinite(parsed) ? parsed : undefined;
}

const truthy = new Set<unknown>([true, 1, 'true', 'TRUE', 'X', 'Y', '1', 'yes']);
const falsy = new Set<unknown>([false, 0, 'false', 'FALSE', '', 'N', '0', 'no']);

function booleanOf(raw: unknown): boolean | undefined {
  if (truthy.has(raw)) return true;
  if (falsy.has(raw)) return false;
  return undefined;
}

function integerOf(raw: unknown): number | undefined {
  const n = numberOf(raw);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

const coercions: Record<FieldType, (raw: unknown) => FieldValue | undefined> = {
  string: (raw) => (typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined),
  number: numberOf,
  decimal: numberOf,
  integer: integerOf,
  boolean: booleanOf,
  date: timestampOf,
  dateTime: timestampOf,
  array: (raw) => (Array.isArray(raw) ? raw : undefined),
  object: (raw) =>
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : undefined,
};

/** A code of the source (ON/OFF/AUTO, a status letter) through the field's value map. */
function mappedOf(raw: unknown, spec: FieldSpec): { raw: unknown } | { error: string } {
  if (spec.map === undefined) return { raw };
  const code = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean';
  // Own keys only: a source value such as `constructor` must not reach Object.prototype.
  if (code && Object.hasOwn(spec.map, String(raw))) return { raw: spec.map[String(raw)] };
  const known = Object.keys(spec.map).join(', ');
  return {
    error: `field ${spec.path ?? 'value'}: ${JSON.stringify(raw)} is not in its value map (${known})`,
  };
}

/** The value at `spec.path` (through `spec.map` when set) as `spec.type`; absent (undefined/null) is not an error. */
export function fieldOf(root: unknown, spec: FieldSpec): FieldResult {
  const read = spec.path === undefined ? spec.value : valueAt(root, spec.path);
  if (read === undefined || read === null) return { value: undefined };
  const mapped = mappedOf(read, spec);
  if ('error' in mapped) return mapped;
  const raw = mapped.raw;
  const value = coercions[spec.type](raw);
  if (value === undefined) {
    return { error: `field ${spec.path ?? 'value'} is not a ${spec.type}: ${JSON.stringify(raw)}` };
  }
  return { value };
}
