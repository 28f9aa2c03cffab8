// Shipments and invoices into Commerce. `POST /V1/order/{id}/ship|invoice` creates a new
// document on every call, so each ERP document is written as one unit that reads first: find
// the order by increment id, look for a shipment/invoice of the order whose comment carries the
// ERP document id (`[syncflow:shipment:80001234]`), and only if there is none post the lines
// capped at the quantity still open. A retry (timeout, crash, redelivery) runs the whole unit
// again and finds the document it created, so an ERP document never becomes two.
import type { OrderStatusRecord, StatusLine } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import { errorMessageOf, type CommerceClient } from './commerce-client.ts';

type Item = WriteItem<OrderStatusRecord>;

interface OrderItem {
  item_id: number;
  sku: string;
  parent_item_id?: number | null;
  qty_ordered: number;
  qty_shipped?: number;
  qty_invoiced?: number;
  qty_canceled?: number;
}
interface Order {
  entity_id: number;
  items: OrderItem[];
}
interface SalesDocument {
  comments?: { comment?: string }[];
}

type Outcome = { applied: string } | { failed: WriteFailure };

/** The token the sink writes into the document's comment and looks for before writing. */
export function documentMarkerOf(record: OrderStatusRecord): string {
  return `[syncflow:${record.entity}:${record.documentId}]`;
}

function searchQueryOf(field: string, value: string | number): string {
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  return `${filter}[field]=${field}&${filter}[value]=${encodeURIComponent(String(value))}&${filter}[condition_type]=eq`;
}

function openQtyOf(item: OrderItem, entity: OrderStatusRecord['entity']): number {
  const done = entity === 'shipment' ? (item.qty_shipped ?? 0) : (item.qty_invoiced ?? 0);
  return item.qty_ordered - done - (item.qty_canceled ?? 0);
}

function orderItemOf(order: Order, line: StatusLine): OrderItem | undefined {
  if (line.orderItemId !== undefined)
    return order.items.find((i) => i.item_id === line.orderItemId);
  return order.items.find((i) => i.sku === line.sku && (i.parent_item_id ?? null) === null);
}

/** The lines to post, each capped at its open quantity; a line not on the order is a refusal. */
export function linesToPostOf(
  order: Order,
  record: OrderStatusRecord,
): { order_item_id: number; qty: number }[] | string {
  const lines: { order_item_id: number; qty: number }[] = [];
  for (const line of record.lines) {
    const item = orderItemOf(order, line);
    if (!item)
      return `order ${record.orderNumber} has no item ${line.orderItemId ?? line.sku ?? ''}`;
    const qty = Math.min(line.quantity, openQtyOf(item, record.entity));
    if (qty > 0) lines.push({ order_item_id: item.item_id, qty });
  }
  return lines;
}

function refusal(item: Item, reasonCode: string, reason: string): Outcome {
  return { failed: { key: item.key, reasonCode, reason } };
}

export class OrderStatusSink implements Sink<OrderStatusRecord> {
  readonly #client: CommerceClient;

  constructor(client: CommerceClient) {
    this.#client = client;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    // Documents of one order go one after another (each reads the quantities the last one left).
    const byOrder = new Map<string, Item[]>();
    for (const item of items)
      byOrder.set(item.record.orderNumber, [...(byOrder.get(item.record.orderNumber) ?? []), item]);
    const outcomes = await Promise.all(
      [...byOrder.values()].map(async (group) => {
        const out: Outcome[] = [];
        for (const item of group)
          out.push(await attempt(`${item.record.entity} ${item.key}`, () => this.#applyOnce(item)));
        return out;
      }),
    );
    const flat = outcomes.flat();
    return {
      applied: flat.flatMap((o) => ('applied' in o ? [o.applied] : [])),
      failed: flat.flatMap((o) => ('failed' in o ? [o.failed] : [])),
    };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #applyOnce(item: Item): Promise<Outcome> {
    const { record } = item;
    const found = await this.#client.request(
      'GET',
      `/V1/orders?${searchQueryOf('increment_id', record.orderNumber)}`,
    );
    const order = (found.body as { items?: Order[] } | undefined)?.items?.[0];
    if (found.status >= 300 || !order)
      return refusal(item, 'SF_UNKNOWN_ORDER', `no Commerce order ${record.orderNumber}`);
    if (await this.#hasDocument(order, record)) return { applied: item.key };
    const lines = linesToPostOf(order, record);
    if (typeof lines === 'string') return refusal(item, 'SF_UNKNOWN_ORDER_ITEM', lines);
    // Everything already shipped/invoiced by other documents: nothing is open to write.
    if (lines.length === 0) return { applied: item.key };
    const response = await this.#client.request(
      'POST',
      `/V1/order/${order.entity_id}/${record.entity === 'shipment' ? 'ship' : 'invoice'}`,
      this.#bodyOf(record, lines),
    );
    if (response.status >= 300)
      return refusal(
        item,
        'SF_SINK_ROW_REJECTED',
        `Commerce answered ${response.status}: ${errorMessageOf(response.body)}`,
      );
    return { applied: item.key };
  }

  async #hasDocument(order: Order, record: OrderStatusRecord): Promise<boolean> {
    const path = record.entity === 'shipment' ? '/V1/shipments' : '/V1/invoices';
    const response = await this.#client.request(
      'GET',
      `${path}?${searchQueryOf('order_id', order.entity_id)}`,
    );
    if (response.status >= 300)
      throw new Error(
        `list ${record.entity}s of order ${record.orderNumber}: ${response.status} ${errorMessageOf(response.body)}`,
      );
    const marker = documentMarkerOf(record);
    const documents = (response.body as { items?: SalesDocument[] }).items ?? [];
    return documents.some((d) => (d.comments ?? []).some((c) => c.comment?.includes(marker)));
  }

  #bodyOf(
    record: OrderStatusRecord,
    lines: { order_item_id: number; qty: number }[],
  ): Record<string, unknown> {
    const comment = {
      comment: `ERP ${record.entity} ${record.documentId} ${documentMarkerOf(record)}`,
      is_visible_on_front: 0,
    };
    const common = { items: lines, notify: false, appendComment: true, comment };
    if (record.entity === 'invoice') return { ...common, capture: false };
    return {
      ...common,
      tracks: record.tracks.map((t) => ({
        track_number: t.trackNumber,
        title: t.title,
        carrier_code: t.carrierCode,
      })),
      ...(record.sourceCode === undefined
        ? {}
        : { arguments: { extension_attributes: { source_code: record.sourceCode } } }),
    };
  }
}
