// Shared-catalog (customer-specific) prices: a tier row at quantity 1 for the catalog's own
// customer group, upserted with `POST /V1/products/tier-prices` (add or update by sku, website,
// group and quantity) so the other groups' rows of the SKU stay. The catalog is found by name
// (or id), its group code read once and remembered for the life of the process. This flow owns
// the rows of shared-catalog groups; the tier flow owns every other group's rows of a SKU and
// never writes or deletes these (see tier-price-sink.ts).
import type { SharedCatalogPrice } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import { chunkRefused } from './base-price-sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import { appliedExcept, rowFailuresOf } from './row-failures.ts';

type Item = WriteItem<SharedCatalogPrice>;

function searchQueryOf(field: string, value: string): string {
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  return `${filter}[field]=${field}&${filter}[value]=${encodeURIComponent(value)}&${filter}[condition_type]=eq`;
}

export class SharedCatalogPriceSink implements Sink<SharedCatalogPrice> {
  readonly #client: CommerceClient;
  readonly #groupCodes = new Map<string, string | undefined>();

  constructor(client: CommerceClient) {
    this.#client = client;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const catalogs = [...new Set(items.map((i) => i.record.sharedCatalog))];
    for (const catalog of catalogs)
      if (!this.#groupCodes.has(catalog))
        this.#groupCodes.set(
          catalog,
          await attempt(`find shared catalog ${catalog}`, () => this.#groupCodeOf(catalog)),
        );
    const unknown = items.filter((i) => this.#groupCodes.get(i.record.sharedCatalog) === undefined);
    const known = items.filter((i) => !unknown.includes(i));
    const results = await Promise.all([
      this.#send(
        'POST',
        '/V1/products/tier-prices',
        known.filter((i) => !i.deleted),
        attempt,
      ),
      this.#send(
        'POST',
        '/V1/products/tier-prices-delete',
        known.filter((i) => i.deleted),
        attempt,
      ),
    ]);
    const failed = [
      ...results.flatMap((r) => r.failed),
      ...unknown.map((i) => ({
        key: i.key,
        reasonCode: 'SF_UNKNOWN_SHARED_CATALOG',
        reason: `no shared catalog named ${i.record.sharedCatalog} in Commerce`,
      })),
    ];
    return { applied: results.flatMap((r) => r.applied), failed };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #groupCodeOf(catalog: string): Promise<string | undefined> {
    const field = /^\d+$/.test(catalog) ? 'id' : 'name';
    const found = await this.#client.request(
      'GET',
      `/V1/sharedCatalog/?${searchQueryOf(field, catalog)}`,
    );
    const items =
      (found.body as { items?: { customer_group_id: number }[] } | undefined)?.items ?? [];
    if (found.status >= 300 || items.length !== 1 || !items[0]) return undefined;
    const group = await this.#client.request(
      'GET',
      `/V1/customerGroups/${items[0].customer_group_id}`,
    );
    return group.status < 300 ? (group.body as { code: string }).code : undefined;
  }

  async #send(
    method: 'POST',
    path: string,
    items: readonly Item[],
    attempt: Attempt,
  ): Promise<WriteResult> {
    if (items.length === 0) return { applied: [], failed: [] };
    const prices = items.map(({ record: r }) => ({
      sku: r.sku,
      website_id: r.websiteId,
      customer_group: this.#groupCodes.get(r.sharedCatalog) ?? '',
      quantity: 1,
      price: r.price,
      price_type: 'fixed',
    }));
    const response = await attempt(`${method} ${path}`, () =>
      this.#client.request(method, path, { prices }),
    );
    if (response.status >= 300) return chunkRefused(items, response.status, response.body);
    const failed = rowFailuresOf(
      response.body,
      items.map((i) => ({ key: i.key, sku: i.record.sku, values: [String(i.record.price)] })),
    );
    return {
      applied: appliedExcept(
        items.map((i) => i.key),
        failed,
      ),
      failed,
    };
  }
}
