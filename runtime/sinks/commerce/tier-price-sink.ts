// Tier prices: the flow owns each SKU's whole tier list — except the rows of shared-catalog
// groups, which the shared-catalog price flow owns (a contract price is a tier row of the
// catalog's own group at quantity 1). The rows the flow applied are kept per SKU in Redis (the
// desired list); every write upserts that list (`POST /V1/products/tier-prices`) and deletes
// the SKU's other rows of non-catalog groups, so rows nobody sends any more (a stale manual row,
// a group dropped from the ERP) disappear, a repeated or reordered event converges on the same
// list, and a contract price is never wiped (`PUT` would replace every group's rows, and a read
// of them first would race the shared-catalog flow). A tier record for a catalog's group is
// refused: it belongs to the shared-catalog flow.
import type { Redis } from 'ioredis';
import type { TierPrice } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import { chunkRefused } from './base-price-sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import { sharedCatalogGroupCodes } from './catalog-groups.ts';
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
    const catalogGroups = await attempt('list shared catalog groups', () =>
      sharedCatalogGroupCodes(this.#client),
    );
    const owned = items.filter((i) => !catalogGroups.has(i.record.customerGroup));
    const results = await Promise.all(
      [...groupBySku(owned)].map(([sku, rows]) =>
        attempt(`replace tier prices of ${sku}`, () => this.#replace(sku, rows, catalogGroups)),
      ),
    );
    const foreign: WriteFailure[] = items
      .filter((i) => catalogGroups.has(i.record.customerGroup))
      .map((i) => ({
        key: i.key,
        reasonCode: 'SF_PRICE_OWNED_BY_SHARED_CATALOG',
        reason: `customer group ${i.record.customerGroup} belongs to a shared catalog: its prices come from the sharedCatalog pricing flow`,
      }));
    return {
      applied: results.flatMap((r) => r.applied),
      failed: [...results.flatMap((r) => r.failed), ...foreign],
    };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  #keyOf(sku: string): string {
    return `${this.#options.keyPrefix}:${sku}`;
  }

  /** Records the batch's rows in the desired list, then makes Commerce's list equal to it. */
  async #replace(
    sku: string,
    items: readonly Item[],
    catalogGroups: ReadonlySet<string>,
  ): Promise<WriteResult> {
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
      desired.length === 0
        ? { applied: items.map((i) => i.key), failed: [] }
        : await this.#upsert(desired, items);
    // A row Commerce refused was never applied: it must not stay in the desired list.
    if (result.failed.length > 0) await redis.hdel(key, ...result.failed.map((f) => f.key));
    const kept = Object.values(await redis.hgetall(key)).map((v) => JSON.parse(v) as TierRow);
    return (await this.#deleteStale(sku, kept, items, catalogGroups)) ?? result;
  }

  async #upsert(desired: TierRow[], items: readonly Item[]): Promise<WriteResult> {
    const response = await this.#client.request('POST', '/V1/products/tier-prices', {
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

  /** Deletes the SKU's rows of non-catalog groups that are not desired; a refusal if Commerce refuses. */
  async #deleteStale(
    sku: string,
    desired: readonly TierRow[],
    items: readonly Item[],
    catalogGroups: ReadonlySet<string>,
  ): Promise<WriteResult | undefined> {
    const read = await this.#client.request('POST', '/V1/products/tier-prices-information', {
      skus: [sku],
    });
    if (read.status >= 300) return chunkRefused(items, read.status, read.body);
    const current = Array.isArray(read.body) ? (read.body as TierRow[]) : [];
    const stale = current.filter(
      (row) => !catalogGroups.has(row.customer_group) && !desired.some((d) => sameRow(d, row)),
    );
    if (stale.length === 0) return undefined;
    const response = await this.#client.request('POST', '/V1/products/tier-prices-delete', {
      prices: stale,
    });
    return response.status >= 300 ? chunkRefused(items, response.status, response.body) : undefined;
  }
}

const sameRow = (a: TierRow, b: TierRow): boolean =>
  a.website_id === b.website_id &&
  a.customer_group === b.customer_group &&
  a.quantity === b.quantity;
