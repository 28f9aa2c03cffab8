// Products into Commerce by SKU as the full state the catalog flow owns: `PUT
// /V1/products/{sku}` (it creates an absent SKU and is idempotent) with the name, weight, status,
// visibility, description, the select attributes as option ids and the category links as the
// complete list. Option and category ids come from CatalogIds (matched by label or URL key,
// created once). Ownership: the pricing flow owns the price, so it is sent only when the SKU is
// created (Commerce needs one then); a delete disables the product instead of removing it,
// since orders and quotes still point at it.
import type { ProductRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import { CatalogIds } from './catalog-ids.ts';
import type { CommerceClient } from './commerce-client.ts';
import { Refusal, refusalOf, resultOfOutcomes } from './commerce-lookup.ts';

type Item = WriteItem<ProductRecord>;

export interface CatalogSinkOptions {
  /** The category that label paths start under. Default: 2, Commerce's "Default Category". */
  rootCategoryId: number;
  /** Attribute set of products the flow creates. Default: 4, Commerce's "Default". */
  attributeSetId: number;
}

const disabled = 2;

interface Resolved {
  customAttributes: { attribute_code: string; value: string }[];
  categoryIds: string[];
}

export class CatalogSink implements Sink<ProductRecord> {
  readonly #client: CommerceClient;
  readonly #options: CatalogSinkOptions;

  constructor(client: CommerceClient, options: CatalogSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const ids = new CatalogIds(this.#client, attempt, this.#options.rootCategoryId);
    const outcomes = await Promise.all(
      items.map(async (item) => ({ item, outcome: await this.#writeOne(item, ids, attempt) })),
    );
    return resultOfOutcomes(outcomes);
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #resolve(record: ProductRecord, ids: CatalogIds): Promise<Resolved | Refusal> {
    const options = await Promise.all(
      Object.entries(record.options).map(async ([code, label]) => ({
        attribute_code: code,
        value: await ids.optionOf(code, label),
      })),
    );
    const categories = await Promise.all(record.categories.map((path) => ids.categoryOf(path)));
    const refused = [...options.map((o) => o.value), ...categories].find(
      (v): v is Refusal => v instanceof Refusal,
    );
    if (refused) return refused;
    const customAttributes = options.map((o) => ({ ...o, value: o.value as string }));
    if (record.description !== undefined)
      customAttributes.push({ attribute_code: 'description', value: record.description });
    return { customAttributes, categoryIds: [...new Set(categories as string[])] };
  }

  async #writeOne(item: Item, ids: CatalogIds, attempt: Attempt): Promise<Refusal | undefined> {
    const { record } = item;
    const path = `/V1/products/${encodeURIComponent(record.sku)}`;
    const current = await attempt(`read product ${record.sku}`, () =>
      this.#client.request('GET', path),
    );
    if (current.status >= 300 && current.status !== 404)
      return refusalOf(`read product ${record.sku}`, current);
    const exists = current.status < 300;
    if (item.deleted) {
      if (!exists) return undefined;
      return this.#put(path, { sku: record.sku, status: disabled }, attempt);
    }
    const resolved = await this.#resolve(record, ids);
    if (resolved instanceof Refusal) return resolved;
    return this.#put(path, this.#productOf(record, resolved, exists), attempt);
  }

  #productOf(record: ProductRecord, resolved: Resolved, exists: boolean): Record<string, unknown> {
    return {
      sku: record.sku,
      name: record.name,
      status: record.status,
      ...(record.visibility === undefined ? {} : { visibility: record.visibility }),
      ...(record.weight === undefined ? {} : { weight: record.weight }),
      ...(exists
        ? {}
        : {
            type_id: 'simple',
            attribute_set_id: this.#options.attributeSetId,
            price: record.price ?? 0,
          }),
      custom_attributes: resolved.customAttributes,
      extension_attributes: {
        category_links: resolved.categoryIds.map((id, position) => ({
          position,
          category_id: id,
        })),
      },
    };
  }

  async #put(
    path: string,
    product: Record<string, unknown>,
    attempt: Attempt,
  ): Promise<Refusal | undefined> {
    const response = await attempt(`put product ${String(product['sku'])}`, () =>
      this.#client.request('PUT', path, { product, saveOptions: true }),
    );
    return response.status >= 300
      ? refusalOf(`put product ${String(product['sku'])}`, response)
      : undefined;
  }
}
