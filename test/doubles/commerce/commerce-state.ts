// What the Commerce double remembers, kept the way Commerce keeps it: source items upserted on
// (sku, source_code) — unknown SKUs accepted and stored as orphans —, companies with a status,
// one credit record per company, price storages, orders with their shipments and invoices,
// shared catalogs with their customer groups, and a log of every write so tests can count them.

import { CatalogState } from './catalog-state.ts';
import { CustomerState } from './customer-state.ts';

export interface SourceItem {
  sku: string;
  source_code: string;
  quantity: number;
  status: number;
}

export interface Company {
  id: number;
  status: number;
  company_name: string;
  company_email: string;
  legal_name?: string;
  region?: string;
  reseller_id?: string;
  vat_tax_id?: string;
  street: string[];
  city: string;
  country_id: string;
  postcode: string;
  telephone: string;
  customer_group_id: number;
  sales_representative_id: number;
  reject_reason: string;
  rejected_at: string;
  super_user_id: number;
}

export interface CreditLimit {
  id: number;
  company_id: number;
  credit_limit: number;
  balance: number;
  currency_code: string;
  exceed_limit: boolean;
  available_limit: number;
  credit_comment?: string;
}

export interface WriteLogEntry {
  /** `sourceItem`, `sourceItemDelete`, `creditLimit` or `company`. */
  kind: string;
  key: string;
  value: unknown;
  atMs: number;
}

const sourceItemKey = (sku: string, sourceCode: string): string => `${sku}|${sourceCode}`;

export interface BasePriceRow {
  sku: string;
  store_id: number;
  price: number;
}
export interface TierPriceRow {
  sku: string;
  website_id: number;
  customer_group: string;
  quantity: number;
  price: number;
  price_type: string;
}
export interface SpecialPriceRow {
  sku: string;
  store_id: number;
  price: number;
  price_from: string;
  price_to: string;
}

export interface OrderItem {
  item_id: number;
  order_id: number;
  sku: string;
  product_type: string;
  parent_item_id?: number;
  qty_ordered: number;
  qty_shipped: number;
  qty_invoiced: number;
  qty_canceled: number;
  price: number;
}

export interface Order {
  entity_id: number;
  increment_id: string;
  state: string;
  status: string;
  customer_email: string;
  grand_total: number;
  base_grand_total: number;
  items: OrderItem[];
  /** UTC `YYYY-MM-DD HH:MM:SS`, as Commerce writes sales timestamps. */
  created_at: string;
  updated_at: string;
  /** Attributes extensions add, such as the buyer's ERP customer number. */
  extension_attributes?: Record<string, unknown>;
}

/** Commerce's timestamp form: UTC, seconds, no zone suffix. */
export function commerceTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export interface SalesDocument {
  entity_id: number;
  order_id: number;
  increment_id: string;
  items: { order_item_id: number; sku: string; qty: number }[];
  tracks: { track_number: string; title: string; carrier_code: string }[];
  comments: { comment: string; is_visible_on_front: number }[];
  extension_attributes?: { source_code?: string };
}

export interface SharedCatalog {
  id: number;
  name: string;
  customer_group_id: number;
  type: number;
  store_id: number;
  tax_class_id: number;
}

export interface CustomerGroup {
  id: number;
  code: string;
  tax_class_id: number;
}

export class CommerceState {
  readonly sourceItems = new Map<string, SourceItem>();
  readonly knownSkus = new Set<string>();
  readonly companies = new Map<number, Company>();
  readonly credits = new Map<number, CreditLimit>();
  readonly basePrices = new Map<string, BasePriceRow>();
  /** SKU → its tier price rows. */
  readonly tierPrices = new Map<string, TierPriceRow[]>();
  readonly specialPrices: SpecialPriceRow[] = [];
  readonly orders = new Map<number, Order>();
  readonly shipments = new Map<number, SalesDocument>();
  readonly invoices = new Map<number, SalesDocument>();
  readonly sharedCatalogs = new Map<number, SharedCatalog>();
  readonly customerGroups = new Map<number, CustomerGroup>([
    [0, { id: 0, code: 'NOT LOGGED IN', tax_class_id: 3 }],
    [1, { id: 1, code: 'General', tax_class_id: 3 }],
  ]);
  readonly catalog = new CatalogState();
  readonly customers = new CustomerState();
  readonly writes: WriteLogEntry[] = [];
  #nextId = 1;

  nextId(): number {
    return this.#nextId++;
  }

  log(kind: string, key: string, value: unknown): void {
    this.writes.push({ kind, key, value, atMs: Date.now() });
  }

  isKnownSku(sku: string): boolean {
    return this.knownSkus.has(sku);
  }

  /** A Commerce order in state `processing` with one simple item per line. */
  addOrder(
    incrementId: string,
    lines: { sku: string; qty: number; price?: number }[],
    atMs: number = Date.now(),
  ): Order {
    const id = this.nextId();
    const items: OrderItem[] = lines.map((line) => ({
      item_id: this.nextId(),
      order_id: id,
      sku: line.sku,
      product_type: 'simple',
      qty_ordered: line.qty,
      qty_shipped: 0,
      qty_invoiced: 0,
      qty_canceled: 0,
      price: line.price ?? 10,
    }));
    const total = items.reduce((sum, i) => sum + i.price * i.qty_ordered, 0);
    const order: Order = {
      entity_id: id,
      increment_id: incrementId,
      state: 'processing',
      status: 'processing',
      customer_email: `buyer-${id}@example.com`,
      grand_total: total,
      base_grand_total: total,
      items,
      created_at: commerceTimestamp(atMs),
      updated_at: commerceTimestamp(atMs),
    };
    this.orders.set(id, order);
    return order;
  }

  /** An order changes (status, comment): its `updated_at` moves. */
  touchOrder(id: number, status: string, atMs: number = Date.now()): void {
    const order = this.orders.get(id);
    if (order) Object.assign(order, { status, updated_at: commerceTimestamp(atMs) });
  }

  orderByIncrementId(incrementId: string): Order | undefined {
    return [...this.orders.values()].find((o) => o.increment_id === incrementId);
  }

  documentsOf(kind: 'shipment' | 'invoice', orderId: number): SalesDocument[] {
    const all = kind === 'shipment' ? this.shipments : this.invoices;
    return [...all.values()].filter((d) => d.order_id === orderId);
  }

  /** A shared catalog with its own customer group, as Commerce creates one. */
  addSharedCatalog(name: string): SharedCatalog {
    const groupId = this.nextId();
    this.customerGroups.set(groupId, { id: groupId, code: name, tax_class_id: 3 });
    const catalog: SharedCatalog = {
      id: this.nextId(),
      name,
      customer_group_id: groupId,
      type: 0,
      store_id: 0,
      tax_class_id: 3,
    };
    this.sharedCatalogs.set(catalog.id, catalog);
    return catalog;
  }

  /** MSI: a shipment from a source deducts the shipped quantity there. */
  deductSource(sku: string, sourceCode: string, qty: number): void {
    const item = this.sourceItem(sku, sourceCode);
    if (item) item.quantity -= qty;
  }

  upsertSourceItem(item: SourceItem): void {
    const key = sourceItemKey(item.sku, item.source_code);
    this.sourceItems.set(key, { ...item });
    this.writes.push({
      kind: 'sourceItem',
      key,
      value: { quantity: item.quantity, status: item.status },
      atMs: Date.now(),
    });
  }

  deleteSourceItem(sku: string, sourceCode: string): void {
    const key = sourceItemKey(sku, sourceCode);
    this.sourceItems.delete(key);
    this.writes.push({ kind: 'sourceItemDelete', key, value: null, atMs: Date.now() });
  }

  sourceItem(sku: string, sourceCode: string): SourceItem | undefined {
    return this.sourceItems.get(sourceItemKey(sku, sourceCode));
  }

  /** Source items stored for SKUs the catalog does not know (Commerce issue #30274). */
  orphanSourceItems(): SourceItem[] {
    return [...this.sourceItems.values()].filter((item) => !this.knownSkus.has(item.sku));
  }

  /** Creates a company with its credit record, as Commerce does. */
  addCompany(
    fields: Partial<Company> & { company_name: string },
    credit: Partial<CreditLimit> = {},
  ): Company {
    const id = this.nextId();
    const company: Company = {
      id,
      status: 1,
      company_email: `c${id}@example.com`,
      street: ['1 Main St'],
      city: 'Berlin',
      country_id: 'DE',
      postcode: '10115',
      telephone: '+49 30 1',
      customer_group_id: 1,
      sales_representative_id: 1,
      reject_reason: '',
      rejected_at: '',
      super_user_id: 1,
      ...fields,
    };
    this.companies.set(id, company);
    const creditId = this.nextId();
    this.credits.set(creditId, {
      id: creditId,
      company_id: id,
      credit_limit: 0,
      balance: 0,
      currency_code: 'USD',
      exceed_limit: false,
      available_limit: 0,
      ...credit,
    });
    return company;
  }

  creditOfCompany(companyId: number): CreditLimit | undefined {
    return [...this.credits.values()].find((c) => c.company_id === companyId);
  }

  putCredit(credit: CreditLimit): void {
    credit.available_limit = credit.credit_limit + credit.balance;
    this.credits.set(credit.id, credit);
    this.writes.push({
      kind: 'creditLimit',
      key: String(credit.company_id),
      value: { credit_limit: credit.credit_limit, currency_code: credit.currency_code },
      atMs: Date.now(),
    });
  }

  putCompany(company: Company): void {
    this.companies.set(company.id, company);
    this.writes.push({
      kind: 'company',
      key: String(company.id),
      value: { status: company.status },
      atMs: Date.now(),
    });
  }

  writesOf(kind: string, key?: string): WriteLogEntry[] {
    return this.writes.filter((w) => w.kind === kind && (key === undefined || w.key === key));
  }
}
