// Orders, shipments and invoices as Commerce keeps them. `POST /V1/order/{id}/ship|invoice`
// checks the order's status and each item's open quantity, then creates a *new* document on
// every valid call and returns its id (the trap of §0.1: a retried call ships twice while open
// quantity remains). A shipment with a source code deducts the source item's quantity (MSI).
import type { CommerceState, Order, OrderItem, SalesDocument } from './commerce-state.ts';
import type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';
import { search, searchCriteriaOf } from './search-criteria.ts';

interface DocumentRequest {
  items?: { order_item_id: number; qty: number }[];
  appendComment?: boolean;
  comment?: { comment: string; is_visible_on_front: number };
  tracks?: { track_number: string; title: string; carrier_code: string }[];
  arguments?: { extension_attributes?: { source_code?: string } };
}

const kinds = {
  shipment: { done: 'qty_shipped', label: 'Shipment', noun: 'a shipment' },
  invoice: { done: 'qty_invoiced', label: 'Invoice', noun: 'an invoice' },
} as const;
type Kind = keyof typeof kinds;

const refusedStatuses = ['holded', 'payment_review', 'canceled', 'complete', 'closed'];

const ok = (body: unknown): RouteResponse => ({ status: 200, body });
const badRequest = (message: string, parameters: string[] = []): RouteResponse => ({
  status: 400,
  body: { message, parameters },
});

export function openQtyOf(item: OrderItem, kind: Kind): number {
  return item.qty_ordered - item[kinds[kind].done] - item.qty_canceled;
}

function linesToPost(
  order: Order,
  kind: Kind,
  body: DocumentRequest,
): { item: OrderItem; qty: number }[] | string {
  const requested =
    body.items ??
    order.items
      .filter((i) => i.parent_item_id === undefined)
      .map((i) => ({ order_item_id: i.item_id, qty: openQtyOf(i, kind) }));
  const lines: { item: OrderItem; qty: number }[] = [];
  for (const line of requested) {
    const item = order.items.find((i) => i.item_id === line.order_item_id);
    if (!item || line.qty > openQtyOf(item, kind) + 1e-9)
      return `${kinds[kind].label} Document Validation Error(s):\nThe order does not allow ${kinds[kind].noun} to be created.`;
    if (line.qty > 0) lines.push({ item, qty: line.qty });
  }
  if (lines.length === 0)
    return `${kinds[kind].label} Document Validation Error(s):\nYou can't create ${kinds[kind].noun} without products.`;
  return lines;
}

function updateStatus(order: Order): void {
  const open = order.items.some((i) => openQtyOf(i, 'shipment') > 0 || openQtyOf(i, 'invoice') > 0);
  if (!open) {
    order.state = 'complete';
    order.status = 'complete';
  }
}

function refusalOf(
  order: Order | undefined,
  kind: Kind,
  orderId: string,
): RouteResponse | undefined {
  if (!order)
    return {
      status: 404,
      body: {
        message: 'No such entity with %fieldName = %fieldValue',
        parameters: { fieldName: 'orderId', fieldValue: orderId },
      },
    };
  if (refusedStatuses.includes(order.status))
    return badRequest(
      `${kind === 'shipment' ? 'A shipment' : 'An invoice'} cannot be created when an order has a status of %1`,
      [order.status],
    );
  return undefined;
}

function documentFor(
  order: Order,
  lines: { item: OrderItem; qty: number }[],
  body: DocumentRequest,
  id: number,
): SalesDocument {
  const sourceCode = body.arguments?.extension_attributes?.source_code;
  return {
    entity_id: id,
    order_id: order.entity_id,
    increment_id: String(100000000 + id),
    items: lines.map(({ item, qty }) => ({ order_item_id: item.item_id, sku: item.sku, qty })),
    tracks: body.tracks ?? [],
    comments: body.appendComment && body.comment ? [body.comment] : [],
    ...(sourceCode === undefined ? {} : { extension_attributes: { source_code: sourceCode } }),
  };
}

function applyQuantities(
  state: CommerceState,
  kind: Kind,
  lines: { item: OrderItem; qty: number }[],
  sourceCode: string | undefined,
): void {
  for (const { item, qty } of lines) {
    item[kinds[kind].done] += qty;
    if (kind === 'shipment' && sourceCode !== undefined)
      state.deductSource(item.sku, sourceCode, qty);
  }
}

function createDocument(state: CommerceState, kind: Kind, request: RouteRequest): RouteResponse {
  const orderId = request.params['orderId'] ?? '';
  const order = state.orders.get(Number(orderId));
  const refusal = refusalOf(order, kind, orderId);
  if (refusal || !order) return refusal ?? badRequest('unreachable');
  const body = request.body as DocumentRequest;
  const lines = linesToPost(order, kind, body);
  if (typeof lines === 'string') return badRequest(lines);
  applyQuantities(state, kind, lines, body.arguments?.extension_attributes?.source_code);
  updateStatus(order);
  const document = documentFor(order, lines, body, state.nextId());
  (kind === 'shipment' ? state.shipments : state.invoices).set(document.entity_id, document);
  state.log(kind, order.increment_id, document);
  return ok(document.entity_id);
}

const searchOf =
  <T extends object>(items: (state: CommerceState) => Iterable<T>): RouteHandler =>
  (state, request) =>
    ok({ ...search([...items(state)], searchCriteriaOf(request.query)), search_criteria: {} });

export const orderRoutes: Record<string, RouteHandler> = {
  'GET /V1/orders': searchOf((s) => s.orders.values()),
  'GET /V1/orders/{id}': (state, r) => {
    const order = state.orders.get(Number(r.params['id']));
    return order
      ? ok(order)
      : {
          status: 404,
          body: {
            message:
              "The entity that was requested doesn't exist. Verify the entity and try again.",
          },
        };
  },
  'POST /V1/order/{orderId}/ship': (state, r) => createDocument(state, 'shipment', r),
  'POST /V1/order/{orderId}/invoice': (state, r) => createDocument(state, 'invoice', r),
  'GET /V1/shipments': searchOf((s) => s.shipments.values()),
  'GET /V1/invoices': searchOf((s) => s.invoices.values()),
};
