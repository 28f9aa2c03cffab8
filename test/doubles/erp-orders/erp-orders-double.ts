// ERP order doubles behind one HTTP server. NetSuite's record API: `PUT …/salesOrder/eid:{id}`
// creates or updates by external id (204 + Location), `GET …/eid:{id}` reads, and a plain
// `POST …/salesOrder` creates a new order every time. An SAP-like OData v4 service:
// `GET /odata/{set}?$filter=Field eq 'v'` reads, `POST /odata/{set}` creates a new order every
// time (no uniqueness on the external reference). `commitThenHang(n)` makes the next n writes
// commit and then hold their answer past the client's timeout — the in-doubt case.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ErpOrder {
  id: number;
  externalRef: string;
  body: Record<string, unknown>;
  writes: number;
}

export interface ErpOrdersDouble {
  readonly url: string;
  /** Every order the ERP holds, in creation order. */
  readonly orders: ErpOrder[];
  ordersWithRef(ref: string): ErpOrder[];
  commitThenHang(count: number, holdMs: number): void;
  /** Writes answered late so far (each committed before its answer). */
  lateAnswers(): number;
  inFlight(): { now: number; max: number };
  close(): Promise<void>;
}

const netSuitePath = /^\/services\/rest\/record\/v1\/([A-Za-z]+)(?:\/eid:([^/?]+))?$/;
const odataPath = /^\/odata\/(.+)$/;
const filterPattern = /^(\w+) eq '((?:[^']|'')*)'$/;

async function jsonOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function startErpOrdersDouble(
  options: { externalIdField?: string } = {},
): Promise<ErpOrdersDouble> {
  const field = options.externalIdField ?? 'PurchaseOrderByCustomer';
  const orders: ErpOrder[] = [];
  let hang = { count: 0, holdMs: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  let nextId = 1;
  let late = 0;

  const create = (externalRef: string, body: Record<string, unknown>): ErpOrder => {
    const order = { id: nextId++, externalRef, body, writes: 1 };
    orders.push(order);
    return order;
  };

  const netSuite = (
    method: string,
    match: RegExpExecArray,
    body: Record<string, unknown>,
  ): [number, unknown] => {
    const ref = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (method === 'POST' && ref === undefined)
      return [204, create(JSON.stringify(body['externalId'] ?? '').replace(/^"|"$/g, ''), body)];
    const existing = orders.find((o) => o.externalRef === ref);
    if (method === 'GET')
      return existing
        ? [200, { id: String(existing.id), externalId: ref, ...existing.body }]
        : [404, { 'o:errorDetails': [{ detail: 'Record not found' }] }];
    if (method !== 'PUT' || ref === undefined) return [405, {}];
    if (existing) {
      existing.body = body;
      existing.writes += 1;
      return [204, existing];
    }
    return [204, create(ref, body)];
  };

  const odata = (method: string, url: URL, body: Record<string, unknown>): [number, unknown] => {
    if (method === 'POST')
      return [201, create(JSON.stringify(body[field] ?? '').replace(/^"|"$/g, ''), body).body];
    const filter = filterPattern.exec(url.searchParams.get('$filter') ?? '');
    if (!filter || filter[1] !== field)
      return [400, { error: { message: `filter on ${field} expected` } }];
    const ref = (filter[2] ?? '').replace(/''/g, "'");
    return [
      200,
      {
        value: orders
          .filter((o) => o.externalRef === ref)
          .map((o) => ({ ...o.body, SalesOrder: String(o.id) })),
      },
    ];
  };

  const route = (
    req: IncomingMessage,
    url: URL,
    body: Record<string, unknown>,
  ): [number, unknown] => {
    const method = req.method ?? 'GET';
    const ns = netSuitePath.exec(url.pathname);
    if (ns) return netSuite(method, ns, body);
    if (odataPath.test(url.pathname)) return odata(method, url, body);
    return [404, { error: 'no such route' }];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://erp');
    const body = await jsonOf(req);
    const [status, answer] = route(req, url, body);
    if (req.method !== 'GET' && hang.count > 0) {
      hang.count -= 1;
      late += 1;
      // Committed above; the answer comes only after the client gave up.
      await new Promise((r) => setTimeout(r, hang.holdMs));
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 204 ? '' : JSON.stringify(answer));
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    handle(req, res)
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(JSON.stringify({ error: String(err) }));
      })
      .finally(() => (inFlight -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    orders,
    ordersWithRef: (ref) => orders.filter((o) => o.externalRef === ref),
    commitThenHang: (count, holdMs) => (hang = { count, holdMs }),
    lateAnswers: () => late,
    inFlight: () => ({ now: inFlight, max: maxInFlight }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
