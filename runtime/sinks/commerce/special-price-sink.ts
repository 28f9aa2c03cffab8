// Special (promotional) prices: Commerce keeps each row as a scheduled update, refuses a range
// that overlaps an existing one, and may refuse an identical re-send. So the sink reads what is
// there (`special-price-information`), deletes what is stale — the same start with another price
// or end, or any other range of the SKU the new one overlaps — and adds only what is missing.
// Read, delete and add run as one unit: a retry reads again, so nothing is added twice.
import type { SpecialPrice } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import { chunkRefused } from './base-price-sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import { appliedExcept, chunksOf, commerceDateTimeOf, rowFailuresOf } from './row-failures.ts';

type Item = WriteItem<SpecialPrice>;

interface SpecialRow {
  sku: string;
  store_id: number;
  price: number;
  price_from: string;
  price_to: string;
}

const openEnd = '9999-12-31 23:59:59';

function rowOf(record: SpecialPrice): SpecialRow {
  return {
    sku: record.sku,
    store_id: record.storeId,
    price: record.price,
    price_from: commerceDateTimeOf(record.priceFromMs),
    price_to: record.priceToMs === undefined ? '' : commerceDateTimeOf(record.priceToMs),
  };
}

const endOf = (row: SpecialRow): string => (row.price_to === '' ? openEnd : row.price_to);
const sameSlot = (a: SpecialRow, b: SpecialRow): boolean =>
  a.sku === b.sku && a.store_id === b.store_id;
const isEqual = (a: SpecialRow, b: SpecialRow): boolean =>
  sameSlot(a, b) &&
  a.price_from === b.price_from &&
  endOf(a) === endOf(b) &&
  Number(a.price) === Number(b.price);
const overlaps = (a: SpecialRow, b: SpecialRow): boolean =>
  sameSlot(a, b) && a.price_from <= endOf(b) && b.price_from <= endOf(a);

export interface SpecialPricePlan {
  stale: SpecialRow[];
  add: { item: Item; row: SpecialRow }[];
}

/** What to delete and add so Commerce holds the batch's rows and nothing they contradict. */
export function specialPricePlanOf(
  items: readonly Item[],
  current: readonly SpecialRow[],
): SpecialPricePlan {
  const stale = new Map<string, SpecialRow>();
  const add: SpecialPricePlan['add'] = [];
  for (const item of items) {
    const row = rowOf(item.record);
    const contradicted = current.filter((c) =>
      item.deleted
        ? sameSlot(c, row) && c.price_from === row.price_from
        : overlaps(c, row) && !isEqual(c, row),
    );
    for (const c of contradicted) stale.set(JSON.stringify(c), c);
    if (!item.deleted && !current.some((c) => isEqual(c, row))) add.push({ item, row });
  }
  return { stale: [...stale.values()], add };
}

export class SpecialPriceSink implements Sink<SpecialPrice> {
  readonly #client: CommerceClient;
  readonly #batchSize: number;

  constructor(client: CommerceClient, options: { batchSize: number }) {
    this.#client = client;
    this.#batchSize = options.batchSize;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const results: WriteResult[] = [];
    // Chunks run one after another: two chunks must not add overlapping rows of one SKU at once.
    for (const chunk of chunksOf(items, this.#batchSize))
      results.push(await attempt('apply special prices', () => this.#apply(chunk)));
    return { applied: results.flatMap((r) => r.applied), failed: results.flatMap((r) => r.failed) };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #apply(chunk: readonly Item[]): Promise<WriteResult> {
    const skus = [...new Set(chunk.map((i) => i.record.sku))];
    const read = await this.#client.request('POST', '/V1/products/special-price-information', {
      skus,
    });
    if (read.status >= 300) return chunkRefused(chunk, read.status, read.body);
    const plan = specialPricePlanOf(
      chunk,
      Array.isArray(read.body) ? (read.body as SpecialRow[]) : [],
    );
    if (plan.stale.length > 0) {
      const deleted = await this.#client.request('POST', '/V1/products/special-price-delete', {
        prices: plan.stale,
      });
      if (deleted.status >= 300) return chunkRefused(chunk, deleted.status, deleted.body);
    }
    if (plan.add.length === 0) return { applied: chunk.map((i) => i.key), failed: [] };
    const added = await this.#client.request('POST', '/V1/products/special-price', {
      prices: plan.add.map((a) => a.row),
    });
    if (added.status >= 300) return chunkRefused(chunk, added.status, added.body);
    const failed = rowFailuresOf(
      added.body,
      plan.add.map(({ item, row }) => ({
        key: item.key,
        sku: row.sku,
        values: [String(row.price), row.price_from],
      })),
    );
    return {
      applied: appliedExcept(
        chunk.map((i) => i.key),
        failed,
      ),
      failed,
    };
  }
}
