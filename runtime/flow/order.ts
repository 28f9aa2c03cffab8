// Orders from Commerce into the ERP: the order number (Commerce increment id, the ERP's
// external reference), the ERP customer, and the top-level lines. Written once per order number:
// the ERP sink upserts by it or re-checks it before any retry, so no order is created twice.
import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';
import { linesOf, type LineFieldDefaults } from './lines.ts';

export interface OrderLine {
  sku: string;
  quantity: number;
  /** Unit price as Commerce charged it; the ERP prices the line itself when absent. */
  price: number | undefined;
}

export interface OrderRecord {
  flow: 'order';
  orderNumber: string;
  customerExternalId: string;
  lines: OrderLine[];
  placedAtMs: number | undefined;
  currency: string | undefined;
}

export const orderLineDefaults: LineFieldDefaults = {
  lineSku: { path: 'sku', type: 'string' },
  lineQuantity: { path: 'qty_ordered', type: 'number' },
  linePrice: { path: 'price', type: 'number' },
};

function orderLinesOf(
  reader: FieldReader,
  raw: readonly unknown[],
  options: FlowOptions,
): OrderLine[] {
  const read = linesOf(raw, options.fields, orderLineDefaults);
  reader.errors.push(...read.errors);
  return read.lines.flatMap((values, i) => {
    const { lineSku: sku, lineQuantity: quantity, linePrice: price } = values;
    if (typeof sku !== 'string' || typeof quantity !== 'number' || quantity <= 0) {
      reader.errors.push(`line ${i}: needs a sku and a positive quantity`);
      return [];
    }
    return [{ sku, quantity, price: typeof price === 'number' ? price : undefined }];
  });
}

function build(reader: FieldReader, deleted: boolean, options: FlowOptions): Built<OrderRecord> {
  const orderNumber = reader.required('orderNumber');
  const customer = reader.required('customerExternalId');
  const raw = reader.required('lines');
  if (deleted) {
    reader.errors.push('a deleted order cannot be applied: cancel it in the ERP');
    return undefined;
  }
  if (
    typeof orderNumber !== 'string' ||
    (typeof customer !== 'string' && typeof customer !== 'number') ||
    !Array.isArray(raw)
  )
    return undefined;
  const lines = orderLinesOf(reader, raw, options);
  if (lines.length === 0) reader.errors.push(`order ${orderNumber} has no line`);
  const placedAt = reader.read('placedAt');
  const currency = reader.read('currency');
  return {
    key: orderNumber,
    record: {
      flow: 'order',
      orderNumber,
      customerExternalId: String(customer),
      lines,
      placedAtMs: typeof placedAt === 'number' ? placedAt : undefined,
      currency: typeof currency === 'string' ? currency : undefined,
    },
  };
}

export function orderRecordFor(
  event: DecodedEvent,
  message: MessageIn,
  options: FlowOptions,
): MapResult<OrderRecord> {
  return envelopeFor({ event, message, options }, (reader, deleted) =>
    build(reader, deleted, options),
  );
}
