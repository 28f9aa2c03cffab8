// Commerce's price storages as the double keeps them: base prices per (sku, store_id), tier
// prices per SKU (POST adds or updates rows, PUT replaces the whole list of every SKU it names),
// special prices as scheduled rows. All four answer 200 with the rows they rejected (unknown
// SKU, negative price, overlapping special-price range) and skip them — the trap of §0.4.
import type {
  BasePriceRow,
  CommerceState,
  SpecialPriceRow,
  TierPriceRow,
} from './commerce-state.ts';
import type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';

interface RowFailure {
  message: string;
  parameters: string[];
}

const ok = (body: unknown): RouteResponse => ({ status: 200, body });

function commonFailure(
  state: CommerceState,
  row: { sku: string; price: number },
): RowFailure | undefined {
  if (!state.isKnownSku(row.sku))
    return { message: "Requested product doesn't exist. SKU: %1.", parameters: [row.sku] };
  if (row.price < 0)
    return {
      message: 'Invalid attribute Price = %1. Row ID: SKU = %2.',
      parameters: [String(row.price), row.sku],
    };
  return undefined;
}

function tierFailure(state: CommerceState, row: TierPriceRow): RowFailure | undefined {
  const common = commonFailure(state, row);
  if (common) return common;
  if (!['fixed', 'discount'].includes(row.price_type))
    return {
      message: 'Invalid attribute Price Type = %1. Row ID: SKU = %2.',
      parameters: [row.price_type, row.sku],
    };
  if (row.quantity <= 0)
    return {
      message: 'Invalid attribute Quantity = %1. Row ID: SKU = %2.',
      parameters: [String(row.quantity), row.sku],
    };
  return undefined;
}

/** Accepted rows and the 200 body of the rejected ones. */
function partition<T>(
  rows: readonly T[],
  failureOf: (row: T) => RowFailure | undefined,
): { accepted: T[]; failures: RowFailure[] } {
  const accepted: T[] = [];
  const failures: RowFailure[] = [];
  for (const row of rows) {
    const failure = failureOf(row);
    if (failure) failures.push(failure);
    else accepted.push(row);
  }
  return { accepted, failures };
}

const pricesOf = <T>(request: RouteRequest): T[] => (request.body as { prices: T[] }).prices;
const skusOf = (request: RouteRequest): string[] => (request.body as { skus: string[] }).skus;

const sameTier = (a: TierPriceRow, b: TierPriceRow): boolean =>
  a.sku === b.sku &&
  a.website_id === b.website_id &&
  a.customer_group === b.customer_group &&
  a.quantity === b.quantity;

function upsertTiers(state: CommerceState, rows: readonly TierPriceRow[]): void {
  for (const row of rows) {
    const list = (state.tierPrices.get(row.sku) ?? []).filter((r) => !sameTier(r, row));
    state.tierPrices.set(row.sku, [...list, { ...row }]);
    state.log('tierPrice', row.sku, row);
  }
}

const putTiers: RouteHandler = (state, request) => {
  const { accepted, failures } = partition(pricesOf<TierPriceRow>(request), (r) =>
    tierFailure(state, r),
  );
  for (const sku of new Set(accepted.map((r) => r.sku))) state.tierPrices.set(sku, []);
  upsertTiers(state, accepted);
  return ok(failures);
};

const postTiers: RouteHandler = (state, request) => {
  const { accepted, failures } = partition(pricesOf<TierPriceRow>(request), (r) =>
    tierFailure(state, r),
  );
  upsertTiers(state, accepted);
  return ok(failures);
};

const deleteTiers: RouteHandler = (state, request) => {
  for (const row of pricesOf<TierPriceRow>(request)) {
    state.tierPrices.set(
      row.sku,
      (state.tierPrices.get(row.sku) ?? []).filter((r) => !sameTier(r, row)),
    );
    state.log('tierPriceDelete', row.sku, row);
  }
  return ok([]);
};

const postBase: RouteHandler = (state, request) => {
  const { accepted, failures } = partition(pricesOf<BasePriceRow>(request), (r) =>
    commonFailure(state, r),
  );
  for (const row of accepted) {
    state.basePrices.set(`${row.sku}|${row.store_id}`, { ...row });
    state.log('basePrice', `${row.sku}|${row.store_id}`, row.price);
  }
  return ok(failures);
};

// An empty price_to is open-ended.
const endOf = (row: SpecialPriceRow): string =>
  row.price_to === '' ? '9999-12-31 23:59:59' : row.price_to;
const overlaps = (a: SpecialPriceRow, b: SpecialPriceRow): boolean =>
  a.sku === b.sku &&
  a.store_id === b.store_id &&
  a.price_from <= endOf(b) &&
  b.price_from <= endOf(a);

function specialFailure(state: CommerceState, row: SpecialPriceRow): RowFailure | undefined {
  const common = commonFailure(state, row);
  if (common) return common;
  // Adobe Commerce (content staging): every row is a scheduled update; ranges may not overlap.
  if (state.specialPrices.some((existing) => overlaps(existing, row)))
    return {
      message:
        'Future Update already exists in this time range. Set a different range and try again. Row ID: SKU = %1.',
      parameters: [row.sku],
    };
  return undefined;
}

const postSpecial: RouteHandler = (state, request) => {
  const failures: RowFailure[] = [];
  for (const row of pricesOf<SpecialPriceRow>(request)) {
    const failure = specialFailure(state, row);
    if (failure) failures.push(failure);
    else {
      state.specialPrices.push({ ...row });
      state.log('specialPrice', row.sku, row);
    }
  }
  return ok(failures);
};

const sameSpecial = (a: SpecialPriceRow, b: SpecialPriceRow): boolean =>
  a.sku === b.sku &&
  a.store_id === b.store_id &&
  a.price_from === b.price_from &&
  a.price_to === b.price_to;

const deleteSpecial: RouteHandler = (state, request) => {
  for (const row of pricesOf<SpecialPriceRow>(request)) {
    const index = state.specialPrices.findIndex((r) => sameSpecial(r, row));
    if (index >= 0) state.specialPrices.splice(index, 1);
    state.log('specialPriceDelete', row.sku, row);
  }
  return ok([]);
};

export const priceRoutes: Record<string, RouteHandler> = {
  'POST /V1/products/base-prices': postBase,
  'POST /V1/products/base-prices-information': (state, r) =>
    ok(skusOf(r).flatMap((sku) => [...state.basePrices.values()].filter((p) => p.sku === sku))),
  'POST /V1/products/tier-prices': postTiers,
  'PUT /V1/products/tier-prices': putTiers,
  'POST /V1/products/tier-prices-delete': deleteTiers,
  'POST /V1/products/tier-prices-information': (state, r) =>
    ok(skusOf(r).flatMap((sku) => state.tierPrices.get(sku) ?? [])),
  'POST /V1/products/special-price': postSpecial,
  'POST /V1/products/special-price-delete': deleteSpecial,
  'POST /V1/products/special-price-information': (state, r) =>
    ok(state.specialPrices.filter((p) => skusOf(r).includes(p.sku))),
};
