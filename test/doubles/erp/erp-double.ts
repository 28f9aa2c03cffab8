// Entry of the ERP doubles: one HTTP server per ERP dialect — OData v4 (Business Central,
// Epicor), OData v2 (SAP S/4HANA A2X), NetSuite SuiteQL or a generic REST delta endpoint (page,
// offset or cursor paging) — serving one entity set from an
// ErpStore with the paging and date quirks of the real API, bearer auth, a request log, and an
// `afterPage` hook that lets a test change rows while a poll is between two pages, an outage
// switch (every query answers a 5xx) and a response delay that makes concurrent calls visible.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErpStore, type ErpEntity } from './erp-store.ts';
import { metadataOf, queryOData, type Answer } from './odata-dialect.ts';
import { queryRest } from './rest-dialect.ts';
import { querySuiteQL } from './suiteql-dialect.ts';

export { ErpStore, type ErpEntity, type ErpRow } from './erp-store.ts';
export { suiteqlMaxLimit, suiteqlMaxRows } from './suiteql-dialect.ts';

export type ErpDialect =
  'odata-v4' | 'odata-v2' | 'suiteql' | 'rest-page' | 'rest-offset' | 'rest-cursor';

export interface ErpDoubleOptions {
  dialect: ErpDialect;
  entity: ErpEntity;
  bearerToken: string;
  /** Rows the server returns per page at most, whatever the client asks. Default: 1000. */
  maxPageSize?: number;
  nowMs?: () => number;
  /** Delay of every query answer, ms (so concurrent requests overlap). Default: 0. */
  delayMs?: number;
}

export interface ErpDouble {
  readonly url: string;
  readonly store: ErpStore;
  /** Query requests served (data pages, not `$metadata`). */
  readonly pages: string[];
  /** Called after each data page is computed and before it is sent (1-based page count). */
  afterPage: ((pageNumber: number) => void) | undefined;
  /** While set, every query is answered with this status (an ERP outage, e.g. 503). */
  outageStatus: number | undefined;
  /** Queries answered during an outage. */
  readonly refused: number;
  /** Most queries in progress at one time. */
  readonly maxConcurrent: number;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Request {
  url: URL;
  method: string;
  body: string;
  prefer: string | undefined;
}

function suiteqlRoute(store: ErpStore, req: Request): Answer | undefined {
  if (req.method !== 'POST' || !req.url.pathname.endsWith('/services/rest/query/v1/suiteql'))
    return undefined;
  const { q } = JSON.parse(req.body) as { q: string };
  return querySuiteQL(store, req.url, q);
}

function restRoute(options: ErpDoubleOptions, store: ErpStore, req: Request): Answer | undefined {
  if (req.method !== 'GET' || !req.url.pathname.endsWith(`/${store.entity.name}`)) return undefined;
  const paging = options.dialect.replace('rest-', '') as 'page' | 'offset' | 'cursor';
  return queryRest(store, { url: req.url, paging, maxPageSize: options.maxPageSize ?? 1000 });
}

function route(options: ErpDoubleOptions, store: ErpStore, req: Request): Answer | undefined {
  if (options.dialect === 'suiteql') return suiteqlRoute(store, req);
  if (options.dialect.startsWith('rest-')) return restRoute(options, store, req);
  const version = options.dialect === 'odata-v4' ? 4 : 2;
  if (req.url.pathname.endsWith('/$metadata')) return metadataOf(store, version);
  if (!req.url.pathname.endsWith(`/${store.entity.name}`)) return undefined;
  const prefer = /odata\.maxpagesize=(\d+)/.exec(req.prefer ?? '')?.[1];
  return queryOData(store, {
    url: req.url,
    version,
    maxPageSize: options.maxPageSize ?? 1000,
    preferMaxPageSize: prefer === undefined ? undefined : Number(prefer),
  });
}

export async function startErpDouble(options: ErpDoubleOptions): Promise<ErpDouble> {
  const store = new ErpStore(options.entity, options.nowMs);
  const pages: string[] = [];
  const double = {
    afterPage: undefined as ErpDouble['afterPage'],
    outageStatus: undefined as number | undefined,
    refused: 0,
    maxConcurrent: 0,
  };
  let concurrent = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      if (req.headers.authorization !== `Bearer ${options.bearerToken}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'Unauthorized', message: 'bad token' } }));
        return;
      }
      if (double.outageStatus !== undefined) {
        double.refused += 1;
        res.writeHead(double.outageStatus, { 'retry-after': '1' }).end();
        return;
      }
      concurrent += 1;
      double.maxConcurrent = Math.max(double.maxConcurrent, concurrent);
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      concurrent -= 1;
      const url = new URL(req.url ?? '/', 'http://erp.local');
      const answer = route(options, store, {
        url,
        method: req.method ?? 'GET',
        body,
        prefer: String(req.headers.prefer ?? ''),
      });
      if (answer === undefined) {
        res.writeHead(404).end();
        return;
      }
      if (answer.status === 200 && !url.pathname.endsWith('/$metadata')) {
        pages.push(url.toString());
        double.afterPage?.(pages.length);
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(double, {
    url: `http://127.0.0.1:${port}/api`,
    store,
    pages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
