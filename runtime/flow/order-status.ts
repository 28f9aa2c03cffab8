// Order status back into Commerce: one ERP document (an outbound delivery or a billing
// document) for one Commerce order, with its lines and, for deliveries, tracking numbers and
// the shipping warehouse. The key is (order, ERP document id): Commerce creates a new document
// on every ship/invoice call, so the sink finds an earlier one by this id before writing.
import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';
import { linesOf, type LineFieldDefaults } from './lines.ts';

export interface StatusLine {
  /** The Commerce order item id, when the ERP kept it (preferred over the SKU). */
  orderItemId: number | undefined;
  sku: string | undefined;
  quantity: number;
}

export interface TrackingNumber {
  trackNumber: string;
  carrierCode: string;
  title: string;
}

export interface OrderStatusRecord {
  flow: 'orderStatus';
  entity: 'shipment' | 'invoice';
  /** The Commerce order's increment id. */
  orderNumber: string;
  /** The ERP's delivery or billing document number: the idempotency key in Commerce. */
  documentId: string;
  lines: StatusLine[];
  tracks: TrackingNumber[];
  /** MSI source the goods left from (shipments). */
  sourceCode: string | undefined;
}

export const statusLineDefaults: LineFieldDefaults = {
  lineOrderItemId: { path: 'order_item_id', type: 'integer' },
  lineSku: { path: 'sku', type: 'string' },
  lineQuantity: { path: 'qty', type: 'number' },
};

function statusLinesOf(
  reader: FieldReader,
  raw: readonly unknown[],
  options: FlowOptions,
): StatusLine[] {
  const read = linesOf(raw, options.fields, statusLineDefaults);
  reader.errors.push(...read.errors);
  const lines: StatusLine[] = [];
  read.lines.forEach((values, i) => {
    const { lineOrderItemId: id, lineSku: sku, lineQuantity: qty } = values;
    if (typeof qty !== 'number' || qty < 0)
      reader.errors.push(`line ${i}: quantity is missing or negative`);
    else if (typeof id !== 'number' && typeof sku !== 'string')
      reader.errors.push(`line ${i}: neither an order item id nor a sku`);
    else if (qty > 0)
      lines.push({
        orderItemId: typeof id === 'number' ? id : undefined,
        sku: typeof sku === 'string' ? sku : undefined,
        quantity: qty,
      });
  });
  return lines;
}

function tracksOf(reader: FieldReader): TrackingNumber[] {
  const number = reader.read('trackingNumber');
  if (typeof number !== 'string' || number === '') return [];
  const carrier = reader.read('carrierCode');
  const carrierCode = typeof carrier === 'string' ? carrier : 'custom';
  const title = reader.read('carrierTitle');
  return [
    { trackNumber: number, carrierCode, title: typeof title === 'string' ? title : carrierCode },
  ];
}

function sourceCodeOf(reader: FieldReader, options: FlowOptions): string | undefined {
  const location = reader.read('sourceCode') ?? options.defaults['sourceCode'];
  if (typeof location !== 'string') return undefined;
  return options.sourceCodes?.[location] ?? location;
}

function build(
  entity: OrderStatusRecord['entity'],
  reader: FieldReader,
  context: { deleted: boolean; options: FlowOptions },
): Built<OrderStatusRecord> {
  const orderNumber = reader.required('orderNumber');
  const documentId = reader.required('documentId');
  const raw = reader.required('lines');
  if (context.deleted) {
    reader.errors.push(
      `a deleted ${entity} cannot be applied: Commerce documents are never deleted`,
    );
    return undefined;
  }
  if (
    typeof orderNumber !== 'string' ||
    (typeof documentId !== 'string' && typeof documentId !== 'number') ||
    !Array.isArray(raw)
  )
    return undefined;
  const lines = statusLinesOf(reader, raw, context.options);
  if (lines.length === 0)
    reader.errors.push(`${entity} ${String(documentId)} has no line with a quantity`);
  return {
    key: `${orderNumber}|${String(documentId)}`,
    record: {
      flow: 'orderStatus',
      entity,
      orderNumber,
      documentId: String(documentId),
      lines,
      tracks: entity === 'shipment' ? tracksOf(reader) : [],
      sourceCode: entity === 'shipment' ? sourceCodeOf(reader, context.options) : undefined,
    },
  };
}

export function orderStatusRecordFor(
  entity: OrderStatusRecord['entity'],
): (event: DecodedEvent, message: MessageIn, options: FlowOptions) => MapResult<OrderStatusRecord> {
  return (event, message, options) =>
    envelopeFor({ event, message, options }, (reader, deleted) =>
      build(entity, reader, { deleted, options }),
    );
}
