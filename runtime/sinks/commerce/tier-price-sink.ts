// Tier prices: the flow owns each SKU's whole tier list. The rows the flow applied are kept per
// SKU in Redis (the desired list); every write replaces the SKU's list in Commerce with it
// through `PUT /V1/products/tier-prices`, so rows nobody sends any more (a stale manual row, a
// group dropped from the ERP) disappear, and a repeated or reordered event converges on the
// same list. A SKU whose desired list becomes empty has its Commerce rows deleted.
import type { Redis } from 'ioredis';
import type { TierPrice } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import { chunkRefused } from './base-price-sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import { appliedExcept, rowFailuresOf } from './row-failures.ts';

type Item = WriteItem<TierPrice>;

interface TierRow {
  sku: string;
  website_id: number;
  customer_group: string;
  quantity: number;
  price: number;
  price_type: string;
}

export interface TierPriceSinkOptions {
  redis: Redis;
  /** Prefix of the per-SKU desired-list hashes, e.g. `sf:{instance}:tiers:{connection}`. */
  keyPrefix: string;
}

function rowOf(record: TierPrice): TierRow {
  return {
    sku: record.sku,
    website_id: record.websiteId,
    customer_group: record.customerGroup,
    quantity: record.quantity,
    price: record.price,
    price_type: record.priceType,
  };
}

function groupBySku(items: readonly Item[]): Map<string, Item[]> {
  const bySku = new Map<string, Item[]>();
  for (const item of items)
    bySku.set(item.record.sku, [...(bySku.get(item.record.sku) ?? []), item]);
  return bySku;
}

export class TierPriceSink implements Sink<TierPrice> {
  readonly #client: CommerceClient;
  readonly #options: TierPriceSinkOptions;

  constructor(client: CommerceClient, options: TierPriceSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const results = await Promise.all(
      [...groupBySku(items)].map(([sku, rows]) =>
        attempt(`replace tier prices of ${sku}`, () => this.#replace(sku, rows)),
      ),
    );
    return { applied: results.flatMap((r) => r.applied), failed: results.flatMap((r) => r.failed) };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  #keyOf(sku: string): string {
    return `${this.#options.keyPrefix}:${sku}`;
  }

  /** Records the batch's rows in the desired list, then makes Commerce's list equal to it. */
  async #replace(sku: string, items: readonly Item[]): Promise<WriteResult> {
    const { redis } = this.#options;
    const key = this.#keyOf(sku);
    const multi = redis.multi();
    for (const item of items) {
      if (item.deleted) multi.hdel(key, item.key);
      else multi.hset(key, item.key, JSON.stringify(rowOf(item.record)));
    }
    await multi.exec();
    const desired = Object.values(await redis.hgetall(key)).map((v) => JSON.parse(v) as TierRow);
    const result =
      desired.length === 0 ? await this.#clear(sku, items) : await this.#put(desired, items);
    // A row Commerce refused was never applied: it must not stay in the desired list.
    if (result.failed.length > 0) await redis.hdel(key, ...result.failed.map((f) => f.key));
    return result;
  }

  async #put(desired: TierRow[], items: readonly Item[]): Promise<WriteResult> {
    const response = await this.#client.request('PUT', '/V1/products/tier-prices', {
      prices: desired,
    });
    if (response.status >= 300) return chunkRefused(items, response.status, response.body);
    const failed: WriteFailure[] = rowFailuresOf(
      response.body,
      items.map((i) => ({
        key: i.key,
        sku: i.record.sku,
        values: [String(i.record.price), String(i.record.quantity), i.record.customerGroup],
      })),
    );
    return {
      applied: appliedExcept(
        items.map((i) => i.key),
        failed,
      ),
      failed,
    };
  }

  /** PUT cannot say "no rows": read what Commerce has for the SKU and delete it. */
  async #clear(sku: string, items: readonly Item[]): Promise<WriteResult> {
    const read = await this.#client.request('POST', '/V1/products/tier-prices-information', {
      skus: [sku],
    });
    if (read.status >= 300) return chunkRefused(items, read.status, read.body);
    const current = Array.isArray(read.body) ? (read.body as TierRow[]) : [];
    if (current.length > 0) {
      const response = await this.#client.request('POST', '/V1/products/tier-prices-delete', {
        prices: current,
      });
      if (response.status >= 300) return chunkRefused(items, response.status, response.body);
    }
    return { applied: items.map((i) => i.key), failed: [] };
  }
}
