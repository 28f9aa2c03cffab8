// The distributor's business, compressed by `speed`: fast movers' stock changes every few
// seconds (with an SAP stock notification on Kafka), contract prices and the slow movers'
// export change once an hour (released at :50, before the hourly import), credit limits drift,
// a company goes on credit hold now and then, companies are renamed and product weights
// corrected in SAP, and buyers place Commerce orders (on Kafka). Each
// change is written to the ERP double and to the ledger of what Commerce must end up holding.
import type { Producer } from 'kafkajs';
import type { Expected } from './convergence.ts';
import { businessPartnerRowOf, productRowOf, type Doubles } from './doubles.ts';
import { addressExportPath, addressesCsv, promotionsCsv } from './exports.ts';
import { plants, type Distributor, type Rng, type Stock } from './seed.ts';

export const topics = { stock: 'sap.stock.changed', orders: 'commerce.orders' } as const;

/** Real-world rates per production hour (the demo multiplies them by speed). */
const perHour = {
  fastMoves: 3600,
  creditChanges: 60,
  holds: 6,
  orders: 120,
  companyRenames: 20,
} as const;
/** Share of rows the hourly releases change. */
const hourlyShare = { prices: 0.02, slowStock: 0.03, products: 0.01 } as const;

export const stockKey = (sku: string, plant: keyof typeof plants): string =>
  `stock:${sku}|${plants[plant]}`;

export interface GeneratorOptions {
  distributor: Distributor;
  doubles: Doubles;
  producer: Producer;
  rng: Rng;
  speed: number;
  /** Flows that run: the generator changes only what they carry. */
  flows: ReadonlySet<string>;
}

export class Generator {
  readonly ledger = new Map<string, Expected>();
  readonly #o: GeneratorOptions;
  readonly #carry = new Map<string, number>();
  #lastHour: number | undefined;
  #orderNumber = 100_000_000;

  constructor(options: GeneratorOptions, nowMs: number) {
    this.#o = options;
    this.#seedLedger(nowMs);
    this.#writeSlowExport(nowMs);
    this.#writeDailyExports(nowMs);
  }

  #expect(key: string, value: Expected['value'], flow: string, changedAtMs: number): void {
    if (this.#o.flows.has(flow)) this.ledger.set(key, { key, value, flow, changedAtMs });
  }

  #seedLedger(nowMs: number): void {
    const d = this.#o.distributor;
    for (const s of d.stock)
      this.#expect(
        stockKey(s.sku, s.plant),
        s.quantity,
        s.fast ? 'inventory-fast' : 'inventory-slow',
        nowMs,
      );
    for (const p of d.prices)
      this.#expect(`price:${p.sku}|${p.priceList}`, p.price, 'pricing-contract', nowMs);
    for (const c of d.companies) {
      this.#expect(`credit:${c.entityId}`, c.creditLimit, 'credit', nowMs);
      this.#expect(`hold:${c.entityId}`, c.onHold, 'credit', nowMs);
      this.#expect(`company:${c.entityId}`, c.name, 'customer-company', nowMs);
    }
    for (const p of d.products)
      this.#expect(`weight:${p.sku}`, p.weight, 'catalog-products', nowMs);
  }

  /** How many events of a rate fall into this second, carrying the fractions over. */
  #due(name: string, perProductionHour: number): number {
    const exact = (this.#carry.get(name) ?? 0) + (perProductionHour * this.#o.speed) / 3600;
    const whole = Math.floor(exact);
    this.#carry.set(name, exact - whole);
    return whole;
  }

  /** Called once a second. */
  async tick(nowMs: number): Promise<void> {
    const d = this.#o.distributor;
    const fast = d.stock.filter((s) => s.fast);
    const moves = this.#o.flows.has('inventory-fast') ? this.#due('fast', perHour.fastMoves) : 0;
    const changed = Array.from({ length: Math.min(moves, 200) }, () => this.#o.rng.pick(fast));
    for (const s of changed) this.#setStock(s, nowMs);
    if (changed.length > 0)
      await this.#o.producer.send({
        topic: topics.stock,
        messages: changed.map((s) => ({
          key: s.sku,
          value: JSON.stringify({
            Material: s.sku,
            Plant: s.plant,
            LastChangedAt: new Date(nowMs).toISOString(),
          }),
        })),
      });
    if (this.#o.flows.has('credit')) this.#credit(nowMs);
    if (this.#o.flows.has('orders')) await this.#orders(nowMs);
    if (this.#o.flows.has('customer-company')) this.#renames(nowMs);
    this.#hourly(nowMs);
  }

  /** Companies renamed in SAP (a merger, a new legal form). */
  #renames(nowMs: number): void {
    const { companies } = this.#o.distributor;
    const store = this.#o.doubles.sap['API_BUSINESS_PARTNER']?.store;
    for (let i = this.#due('renames', perHour.companyRenames); i > 0; i--) {
      const c = this.#o.rng.pick(companies);
      c.name = `${c.name.replace(/ \(\d+\)$/, '')} (${this.#o.rng.int(2, 99)})`;
      store?.put(c.entityId, businessPartnerRowOf(c), nowMs);
      this.#expect(`company:${c.entityId}`, c.name, 'customer-company', nowMs);
    }
  }

  /** Product weights corrected in SAP's product master. */
  #productRelease(nowMs: number): void {
    const { rng, distributor, doubles } = this.#o;
    for (const p of distributor.products.filter(() => rng.next() < hourlyShare.products)) {
      p.weight = rng.int(50, 25_000) / 1000;
      doubles.sap['API_PRODUCT_SRV']?.store.put(p.sku, productRowOf(p), nowMs);
      this.#expect(`weight:${p.sku}`, p.weight, 'catalog-products', nowMs);
    }
  }

  #setStock(s: Stock, nowMs: number): void {
    s.quantity = this.#o.rng.int(0, 500);
    this.#o.doubles.sap['ZMM_ATP_SRV']?.store.put(
      `${s.sku}|${s.plant}`,
      { UnrestrictedStock: s.quantity },
      nowMs,
    );
    this.#expect(
      stockKey(s.sku, s.plant),
      s.quantity,
      s.fast ? 'inventory-fast' : 'inventory-slow',
      nowMs,
    );
  }

  #credit(nowMs: number): void {
    const { companies } = this.#o.distributor;
    const store = this.#o.doubles.netsuite.store;
    for (let i = this.#due('credit', perHour.creditChanges); i > 0; i--) {
      const c = this.#o.rng.pick(companies);
      c.creditLimit = this.#o.rng.int(10, 500) * 1000;
      store.put(String(c.id), { creditlimit: c.creditLimit }, nowMs);
      this.#expect(`credit:${c.entityId}`, c.creditLimit, 'credit', nowMs);
    }
    for (let i = this.#due('holds', perHour.holds); i > 0; i--) {
      const c = this.#o.rng.pick(companies);
      c.onHold = !c.onHold;
      store.put(String(c.id), { creditholdoverride: c.onHold ? 'ON' : 'OFF' }, nowMs);
      this.#expect(`hold:${c.entityId}`, c.onHold, 'credit', nowMs);
    }
  }

  async #orders(nowMs: number): Promise<void> {
    const count = this.#due('orders', perHour.orders);
    if (count === 0) return;
    const { rng, distributor, doubles } = this.#o;
    const messages = Array.from({ length: count }, () => {
      const incrementId = String((this.#orderNumber += 1));
      const lines = Array.from({ length: rng.int(1, 4) }, () => ({
        sku: rng.pick(distributor.skus),
        qty: rng.int(1, 20),
      }));
      const order = doubles.commerce.state.addOrder(incrementId, lines);
      // Commerce holds the buyer's ERP customer number too: the hourly sweep reads it there.
      const customer = rng.pick(distributor.companies).entityId;
      order.extension_attributes = { erp_customer_number: customer };
      const at = new Date(nowMs).toISOString();
      this.#expect(`order:${incrementId}`, true, 'orders', nowMs);
      return {
        key: incrementId,
        value: JSON.stringify({
          increment_id: incrementId,
          created_at: at,
          updated_at: at,
          extension_attributes: { erp_customer_number: customer },
          items: order.items.map((item) => ({
            item_id: item.item_id,
            sku: item.sku,
            qty_ordered: item.qty_ordered,
            price: item.price,
          })),
        }),
      };
    });
    await this.#o.producer.send({ topic: topics.orders, messages });
  }

  /**
   * After the run: nothing changes any more, but SAP still writes its hourly export (an
   * import's lag counts from the export's time, so a stopped export would look like lag).
   */
  settle(nowMs: number): void {
    if (!this.#isNewHour(nowMs)) return;
    if (this.#o.flows.has('inventory-slow')) this.#writeSlowExport(nowMs);
    this.#writeDailyExports(nowMs);
  }

  /** Whether `nowMs` is past :50 of a (compressed) hour not seen yet. */
  #isNewHour(nowMs: number): boolean {
    const hourMs = 3_600_000 / this.#o.speed;
    const hour = Math.floor((nowMs + hourMs / 6) / hourMs);
    if (this.#lastHour === undefined) this.#lastHour = hour;
    if (hour === this.#lastHour) return false;
    this.#lastHour = hour;
    return true;
  }

  /** At :50 of each (compressed) hour: the price release and the exports. */
  #hourly(nowMs: number): void {
    if (!this.#isNewHour(nowMs)) return;
    this.#writeDailyExports(nowMs);
    const { rng, distributor, doubles } = this.#o;
    if (this.#o.flows.has('pricing-contract'))
      for (const p of distributor.prices.filter(() => rng.next() < hourlyShare.prices)) {
        p.price = rng.int(500, 50_000) / 100;
        doubles.sap['ZSD_CONTRACT_PRICE_SRV']?.store.put(
          `${p.priceList}|${p.sku}`,
          { NetPrice: p.price },
          nowMs,
        );
        this.#expect(`price:${p.sku}|${p.priceList}`, p.price, 'pricing-contract', nowMs);
      }
    if (this.#o.flows.has('catalog-products')) this.#productRelease(nowMs);
    if (this.#o.flows.has('inventory-slow')) {
      for (const s of distributor.stock.filter(
        (x) => !x.fast && rng.next() < hourlyShare.slowStock,
      ))
        this.#setStock(s, nowMs);
      this.#writeSlowExport(nowMs);
    }
  }

  /**
   * The daily flows' files, refreshed each (compressed) hour so a daily import finds a recent
   * one whenever its schedule comes: the demo checks that they import, not what they carry.
   */
  #writeDailyExports(nowMs: number): void {
    const { distributor, doubles } = this.#o;
    doubles.exports.set('/pricing/promotions.csv', {
      body: promotionsCsv(distributor, nowMs),
      modifiedMs: nowMs,
    });
    doubles.exports.set(addressExportPath(nowMs, 'America/Chicago'), {
      body: addressesCsv(distributor),
      modifiedMs: nowMs,
    });
  }

  /** The hourly NDJSON export of the slow movers' stock, as SAP writes it. */
  #writeSlowExport(nowMs: number): void {
    const rows = this.#o.distributor.stock
      .filter((s) => !s.fast)
      .map((s) => JSON.stringify({ Material: s.sku, Plant: s.plant, Unrestricted: s.quantity }));
    this.#o.doubles.exports.set('/sap/stock-slow-movers.ndjson', {
      body: `${rows.join('\n')}\n`,
      modifiedMs: nowMs,
    });
  }
}

type Reader = (a: string, b: string) => Expected['value'] | undefined;

const numberOrUndefined = (value: unknown): number | undefined =>
  value === undefined || value === null ? undefined : Number(value);

/** What Commerce and the ERP order service hold now, for every key of the ledger. */
export function actualValues(
  doubles: Doubles,
  ledger: ReadonlyMap<string, Expected>,
): Map<string, Expected['value']> {
  const { state } = doubles.commerce;
  const companies = new Map([...state.companies.values()].map((c) => [c.reseller_id, c]));
  const groupCodes = new Map(
    [...state.sharedCatalogs.values()].map((c) => [
      c.name,
      state.customerGroups.get(c.customer_group_id)?.code,
    ]),
  );
  const readers: Record<string, Reader> = {
    stock: (sku, source) => state.sourceItem(sku, source)?.quantity,
    price: (sku, list) =>
      state.tierPrices
        .get(sku)
        ?.find((r) => r.quantity === 1 && r.customer_group === groupCodes.get(list))?.price,
    credit: (id) => {
      const company = companies.get(id);
      return company ? state.creditOfCompany(company.id)?.credit_limit : undefined;
    },
    hold: (id) => {
      const company = companies.get(id);
      return company ? company.status === 3 : undefined;
    },
    order: (ref) => doubles.orders.ordersWithRef(ref).length > 0,
    company: (id) => companies.get(id)?.company_name,
    // Commerce answers decimals as it stored them (a number or a numeric string).
    weight: (sku) => numberOrUndefined(state.catalog.products.get(sku)?.weight),
  };
  const actual = new Map<string, Expected['value']>();
  for (const key of ledger.keys()) {
    const [kind = '', rest = ''] = key.split(/:(.*)/s);
    const [a = '', b = ''] = rest.split('|');
    const value = readers[kind]?.(a, b);
    if (value !== undefined) actual.set(key, value);
  }
  return actual;
}
