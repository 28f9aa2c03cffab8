// Catalog into Commerce: one product by SKU as the full state the flow owns — name, weight,
// status, visibility, its categories by label (a `/` path from the root catalog) and the labels
// of its select attributes — `option<Code>` mapping fields (`optionCountryOfManufacture` is the
// attribute `country_of_manufacture`), or one `options` object of attribute code → label —,
// which the sink turns into Commerce ids, creating a missing category or option once.
import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';

export interface ProductRecord {
  flow: 'catalog';
  entity: 'product';
  sku: string;
  name: string;
  /** Only used when the product is created: the pricing flow owns the price afterwards. */
  price: number | undefined;
  weight: number | undefined;
  /** 1 enabled, 2 disabled (Commerce's codes). */
  status: 1 | 2;
  visibility: number | undefined;
  description: string | undefined;
  /** Category label paths, `Tools/Power Tools`: each segment a category under the previous one. */
  categories: string[];
  /** Select attribute code → option label. */
  options: Record<string, string>;
}

const optionField = /^option([A-Z][A-Za-z0-9]*)$/;

/** `CountryOfManufacture` → `country_of_manufacture`. */
function attributeCodeOf(suffix: string): string {
  return suffix.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? '' : '_'}${c.toLowerCase()}`);
}

function labelsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return list
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map((v) => String(v).trim())
    .filter((v) => v !== '');
}

function labelsIn(object: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (object === undefined || typeof object !== 'object' || Array.isArray(object)) return out;
  for (const [code, label] of Object.entries(object as Record<string, unknown>))
    if (typeof label === 'string' || typeof label === 'number') out[code] = String(label);
  return out;
}

function optionsOf(reader: FieldReader, options: FlowOptions): Record<string, string> {
  const out = labelsIn(reader.read('options'));
  for (const name of Object.keys(options.fields)) {
    const suffix = optionField.exec(name)?.[1];
    const label = suffix === undefined ? undefined : reader.read(name);
    if (suffix !== undefined && (typeof label === 'string' || typeof label === 'number'))
      out[attributeCodeOf(suffix)] = String(label);
  }
  return Object.fromEntries(Object.entries(out).filter(([, label]) => label.trim() !== ''));
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function statusOf(value: unknown): 1 | 2 {
  return value === false || value === 2 || value === 0 ? 2 : 1;
}

function build(reader: FieldReader, deleted: boolean, options: FlowOptions): Built<ProductRecord> {
  const sku = reader.required('sku');
  const name = deleted ? (reader.read('name') ?? '') : reader.required('name');
  if (typeof sku !== 'string' || typeof name !== 'string') return undefined;
  if (sku.trim() === '') {
    reader.errors.push('sku is empty');
    return undefined;
  }
  const description = reader.read('description');
  return {
    key: sku,
    record: {
      flow: 'catalog',
      entity: 'product',
      sku,
      name,
      price: numberOrUndefined(reader.read('price')),
      weight: numberOrUndefined(reader.read('weight')),
      status: statusOf(reader.read('status')),
      visibility: numberOrUndefined(reader.read('visibility')),
      description: typeof description === 'string' ? description : undefined,
      categories: labelsOf(reader.read('categories')),
      options: optionsOf(reader, options),
    },
  };
}

export function catalogRecordFor(
  event: DecodedEvent,
  message: MessageIn,
  options: FlowOptions,
): MapResult<ProductRecord> {
  return envelopeFor({ event, message, options }, (reader, deleted) =>
    build(reader, deleted, options),
  );
}
