// Inventory: the physical on-hand quantity of one SKU at one source, as an absolute value
// (Commerce subtracts its own reservations, so an ERP "available" figure would count orders twice).

import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';

export interface InventoryRecord {
  flow: 'inventory';
  sku: string;
  sourceCode: string;
  /** Absent only on a delete. */
  quantity: number;
  /** 1 in stock, 0 out of stock; derived from the quantity when the source does not say. */
  status: 0 | 1;
}

function statusOf(reader: FieldReader, quantity: number): 0 | 1 {
  const status = reader.read('status');
  if (status === undefined) return quantity > 0 ? 1 : 0;
  return status === true || status === 1 ? 1 : 0;
}

function sourceCodeOf(reader: FieldReader, options: FlowOptions): string | undefined {
  const location = reader.read('sourceCode') ?? options.defaults['sourceCode'];
  if (location === undefined) reader.required('sourceCode');
  if (typeof location !== 'string') return undefined;
  return options.sourceCodes?.[location] ?? location;
}

function build(
  reader: FieldReader,
  deleted: boolean,
  options: FlowOptions,
): Built<InventoryRecord> {
  const sku = reader.required('sku');
  const sourceCode = sourceCodeOf(reader, options);
  const quantity = deleted ? (reader.read('quantity') ?? 0) : reader.required('quantity');
  if (typeof sku !== 'string' || sourceCode === undefined || typeof quantity !== 'number')
    return undefined;
  if (sku.trim() === '') {
    reader.errors.push('sku is empty');
    return undefined;
  }
  return {
    key: `${sku}|${sourceCode}`,
    record: { flow: 'inventory', sku, sourceCode, quantity, status: statusOf(reader, quantity) },
  };
}

export function inventoryRecordFor(
  event: DecodedEvent,
  message: MessageIn,
  options: FlowOptions,
): MapResult<InventoryRecord> {
  return envelopeFor({ event, message, options }, (reader, deleted) =>
    build(reader, deleted, options),
  );
}
