// The sample distributor, generated from a seed so every run starts alike: SKUs stocked in
// three SAP plants (a tenth of them fast movers), contract price lists, companies with credit
// limits, and open orders. Pure: the random source is a parameter.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast and reproducible; the demo needs repeatable, not secure. */
export function rngFor(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (items) => items[Math.floor(next() * items.length)] as never };
}

/** SAP plant → Commerce MSI source (the example maps the first two; the demo adds Atlanta). */
export const plants = { '1010': 'wh_chicago', '1020': 'wh_dallas', '1030': 'wh_atlanta' } as const;
export type Plant = keyof typeof plants;
export const plantCodes = Object.keys(plants) as Plant[];

export interface Stock {
  sku: string;
  plant: Plant;
  quantity: number;
  fast: boolean;
}
export interface ContractPrice {
  priceList: string;
  sku: string;
  price: number;
}
export interface CatalogProduct {
  sku: string;
  name: string;
  /** Gross weight in kg, three decimals as SAP keeps it. */
  weight: number;
}
export interface CompanyCredit {
  /** NetSuite internal id. */
  id: number;
  /** NetSuite's entity id, also the SAP business partner number (one customer, two ERPs). */
  entityId: string;
  name: string;
  email: string;
  creditLimit: number;
  onHold: boolean;
}

export interface Distributor {
  skus: string[];
  stock: Stock[];
  priceLists: string[];
  prices: ContractPrice[];
  companies: CompanyCredit[];
  products: CatalogProduct[];
}

export interface DistributorSize {
  skus: number;
  companies: number;
  /** SKUs with a contract price in every list. */
  pricedSkus: number;
}

export const defaultSize: DistributorSize = { skus: 3000, companies: 300, pricedSkus: 600 };

export const skuOf = (i: number): string => `SKU-${String(i).padStart(5, '0')}`;

const productKinds = ['Hex bolt', 'Ball valve', 'Pipe elbow', 'Cable gland', 'Hose clamp'];
const productNameOf = (i: number): string =>
  `${productKinds[i % productKinds.length] ?? 'Part'} ${1 + (i % 40)} mm, type ${Math.floor(i / 40) + 1}`;

export function distributorFor(size: DistributorSize, rng: Rng): Distributor {
  const skus = Array.from({ length: size.skus }, (_, i) => skuOf(i + 1));
  const stock = skus.flatMap((sku, i) =>
    plantCodes.map((plant) => ({ sku, plant, quantity: rng.int(0, 500), fast: i % 10 === 0 })),
  );
  const priceLists = ['GOLD', 'SILVER', 'BRONZE', 'CONTRACTOR'];
  const prices = skus
    .slice(0, size.pricedSkus)
    .flatMap((sku) =>
      priceLists.map((priceList) => ({ priceList, sku, price: rng.int(500, 50_000) / 100 })),
    );
  const companies = Array.from({ length: size.companies }, (_, i) => ({
    id: i + 1,
    entityId: `C${String(i + 1).padStart(5, '0')}`,
    name: `Customer ${i + 1} Supply Co.`,
    email: `purchasing@customer${i + 1}.example.com`,
    creditLimit: rng.int(10, 500) * 1000,
    onHold: false,
  }));
  const products = skus.map((sku, i) => ({
    sku,
    name: productNameOf(i),
    weight: rng.int(50, 25_000) / 1000,
  }));
  return { skus, stock, priceLists, prices, companies, products };
}
