// The ERP and Commerce doubles of the demo, on local ports, seeded with the sample distributor:
// one SAP gateway (a router in front of one OData v2 double per service, and the order service),
// NetSuite SuiteQL, the flat-file export server, and Commerce already in step with the ERP (a
// shop that has been running for years: the demo measures what changes from now on).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startCommerceDouble,
  type CommerceDouble,
} from '../test/doubles/commerce/commerce-double.ts';
import { startErpDouble, type ErpDouble, type ErpEntity } from '../test/doubles/erp/erp-double.ts';
import type { Field } from '../test/doubles/erp/erp-store.ts';
import {
  startErpOrdersDouble,
  type ErpOrdersDouble,
} from '../test/doubles/erp-orders/erp-orders-double.ts';
import { plants, type CatalogProduct, type CompanyCredit, type Distributor } from './seed.ts';

export const demoToken = 'demo-token';

/** How long before the demo's start the seeded ERP rows were last changed. */
const seededAgeMs = 7 * 24 * 3_600_000;

/** SAP services (first path segment under the gateway) and the entity set each double serves. */
const sapEntities: Record<string, ErpEntity> = {
  ZMM_ATP_SRV: {
    name: 'AvailableStock',
    keyField: 'StockKey',
    modifiedField: 'LastChangedAt',
    properties: ['Material', 'Plant', 'UnrestrictedStock', 'VelocityClass'],
  },
  ZSD_CONTRACT_PRICE_SRV: {
    name: 'ContractPrices',
    keyField: 'PriceKey',
    modifiedField: 'LastChangedAt',
    properties: ['PriceList', 'Material', 'NetPrice'],
  },
  API_PRODUCT_SRV: {
    name: 'A_Product',
    keyField: 'Product',
    modifiedField: 'LastChangeDateTime',
    properties: ['GrossWeight', 'to_Description'],
  },
  API_BUSINESS_PARTNER: {
    name: 'A_BusinessPartner',
    keyField: 'BusinessPartner',
    modifiedField: 'LastChangeDate',
    timeField: 'LastChangeTime',
    properties: ['OrganizationBPName1', 'BusinessPartnerCategory', 'to_BusinessPartnerAddress'],
  },
  'API_OUTBOUND_DELIVERY_SRV;v=0002': {
    name: 'A_OutbDeliveryHeader',
    keyField: 'DeliveryDocument',
    modifiedField: 'LastChangeDate',
    properties: ['YY1_CommerceOrder_DLH', 'ActualGoodsMovementDate', 'to_DeliveryDocumentItem'],
  },
};

const customerEntity: ErpEntity = {
  name: 'customer',
  keyField: 'id',
  modifiedField: 'lastmodifieddate',
  properties: ['entityid', 'companyname', 'creditlimit', 'creditholdoverride', 'isperson'],
  numericKey: true,
};

export interface ExportFile {
  body: string;
  modifiedMs: number;
}

export interface Doubles {
  commerce: CommerceDouble;
  sap: Record<string, ErpDouble>;
  netsuite: ErpDouble;
  orders: ErpOrdersDouble;
  /** Served by the export server at their path; the generator replaces them. */
  exports: Map<string, ExportFile>;
  sapUrl: string;
  exportsUrl: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The SAP gateway: `/sap/<SERVICE>/<rest>` is forwarded to the double of that service. */
function sapGateway(targets: Record<string, string>): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sap');
    const [, prefix, service, ...rest] = url.pathname.split('/');
    const target = prefix === 'sap' && service ? targets[decodeURIComponent(service)] : undefined;
    if (target === undefined) {
      res.writeHead(404).end();
      return;
    }
    forward(req, res, `${target}/${rest.join('/')}${url.search}`).catch((err: unknown) =>
      res.writeHead(502).end(String(err)),
    );
  });
}

function picked(from: (name: string) => unknown, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = from(name);
    if (typeof value === 'string' && value !== '') out[name] = value;
  }
  return out;
}

async function forward(req: IncomingMessage, res: ServerResponse, to: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const method = req.method ?? 'GET';
  const answer = await fetch(to, {
    method,
    headers: picked((n) => req.headers[n], ['authorization', 'content-type', 'accept', 'prefer']),
    ...(chunks.length > 0 && method !== 'GET' ? { body: Buffer.concat(chunks) } : {}),
  });
  res.writeHead(
    answer.status,
    picked((n) => answer.headers.get(n), ['content-type', 'location']),
  );
  res.end(Buffer.from(await answer.arrayBuffer()));
}

/** Flat-file exports over HTTP with Last-Modified, behind bearer auth. */
function exportServer(files: Map<string, ExportFile>): Server {
  return createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${demoToken}`) {
      res.writeHead(401).end();
      return;
    }
    const file = files.get(new URL(req.url ?? '/', 'http://exports').pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const body = Buffer.from(file.body, 'utf8');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'last-modified': new Date(file.modifiedMs).toUTCString(),
      etag: `"${file.modifiedMs}-${body.length}"`,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

function seedCommerce(commerce: CommerceDouble, d: Distributor): void {
  const { state } = commerce;
  for (const sku of d.skus) state.knownSkus.add(sku);
  for (const s of d.stock)
    state.upsertSourceItem({
      sku: s.sku,
      source_code: plants[s.plant],
      quantity: s.quantity,
      status: 1,
    });
  seedTierPrices(commerce, d);
  for (const c of d.companies)
    state.addCompany(
      {
        company_name: c.name,
        company_email: c.email,
        reseller_id: c.entityId,
        status: c.onHold ? 3 : 1,
      },
      { credit_limit: c.creditLimit, currency_code: 'USD' },
    );
  for (const p of d.products)
    state.catalog.products.set(
      p.sku,
      state.catalog.newProduct(p.sku, { name: p.name, weight: p.weight }),
    );
}

/** SAP's product master and business partners (the companies NetSuite bills, same numbers). */
function seedSapMasterData(sap: Doubles['sap'], d: Distributor, atMs: number): void {
  for (const p of d.products) sap['API_PRODUCT_SRV']?.store.put(p.sku, productRowOf(p), atMs);
  for (const c of d.companies)
    sap['API_BUSINESS_PARTNER']?.store.put(c.entityId, businessPartnerRowOf(c), atMs);
}

export function productRowOf(p: Pick<CatalogProduct, 'name' | 'weight'>): Record<string, Field> {
  return { GrossWeight: p.weight, to_Description: { results: [{ ProductDescription: p.name }] } };
}

export function businessPartnerRowOf(
  c: Pick<CompanyCredit, 'name' | 'email'>,
): Record<string, Field> {
  return {
    OrganizationBPName1: c.name,
    BusinessPartnerCategory: '2',
    to_BusinessPartnerAddress: {
      results: [{ to_EmailAddress: { results: [{ EmailAddress: c.email }] } }],
    },
  };
}

/** Each price list is a shared catalog; its prices are quantity-1 tier prices of its group. */
function seedTierPrices(commerce: CommerceDouble, d: Distributor): void {
  const { state } = commerce;
  const groups = new Map(d.priceLists.map((l) => [l, state.addSharedCatalog(l)]));
  for (const p of d.prices) {
    const code = state.customerGroups.get(groups.get(p.priceList)?.customer_group_id ?? -1)?.code;
    const rows = state.tierPrices.get(p.sku) ?? [];
    rows.push({
      sku: p.sku,
      website_id: 0,
      customer_group: code ?? p.priceList,
      quantity: 1,
      price: p.price,
      price_type: 'fixed',
    });
    state.tierPrices.set(p.sku, rows);
  }
}

function seedErp(doubles: Pick<Doubles, 'sap' | 'netsuite'>, d: Distributor, nowMs: number): void {
  const atp = doubles.sap['ZMM_ATP_SRV']?.store;
  for (const s of d.stock)
    atp?.put(
      `${s.sku}|${s.plant}`,
      {
        Material: s.sku,
        Plant: s.plant,
        UnrestrictedStock: s.quantity,
        VelocityClass: s.fast ? 'A' : 'C',
      },
      nowMs,
    );
  const prices = doubles.sap['ZSD_CONTRACT_PRICE_SRV']?.store;
  for (const p of d.prices)
    prices?.put(
      `${p.priceList}|${p.sku}`,
      { PriceList: p.priceList, Material: p.sku, NetPrice: p.price },
      nowMs,
    );
  for (const c of d.companies)
    doubles.netsuite.store.put(
      String(c.id),
      {
        entityid: c.entityId,
        companyname: c.name,
        creditlimit: c.creditLimit,
        creditholdoverride: c.onHold ? 'ON' : 'OFF',
        isperson: 'F',
      },
      nowMs,
    );
  seedSapMasterData(doubles.sap, d, nowMs);
}

export async function startDoubles(d: Distributor, nowMs: number): Promise<Doubles> {
  const commerce = await startCommerceDouble({ bearerToken: demoToken });
  const sap: Record<string, ErpDouble> = {};
  for (const [service, entity] of Object.entries(sapEntities))
    sap[service] = await startErpDouble({
      dialect: 'odata-v2',
      entity: { ...entity },
      bearerToken: demoToken,
    });
  const netsuite = await startErpDouble({
    dialect: 'suiteql',
    entity: customerEntity,
    bearerToken: demoToken,
  });
  const orders = await startErpOrdersDouble();
  const targets: Record<string, string> = { API_SALES_ORDER_SRV: `${orders.url}/odata` };
  for (const [service, double] of Object.entries(sap)) targets[service] = double.url;
  const gateway = sapGateway(targets);
  const exports = new Map<string, ExportFile>();
  const files = exportServer(exports);
  const [sapBase, exportsUrl] = await Promise.all([listen(gateway), listen(files)]);
  seedCommerce(commerce, d);
  // A shop that has been running for years: the ERP last changed the seeded rows long ago, so a
  // flow starting at `now` (and its overlap window) reads only what changes during the demo.
  seedErp({ sap, netsuite }, d, nowMs - seededAgeMs);
  const close = async (): Promise<void> => {
    gateway.closeAllConnections();
    files.closeAllConnections();
    await Promise.allSettled([
      new Promise((r) => gateway.close(r)),
      new Promise((r) => files.close(r)),
      commerce.close(),
      netsuite.close(),
      orders.close(),
      ...Object.values(sap).map((s) => s.close()),
    ]);
  };
  return { commerce, sap, netsuite, orders, exports, sapUrl: `${sapBase}/sap`, exportsUrl, close };
}
