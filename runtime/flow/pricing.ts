// Prices into Commerce, one row per record: a base (list) price per store view, a customer-group
// tier price, a special (promotional) price with its validity, or a shared-catalog
// (customer-specific) price. Absolute values; dates are epoch ms (UTC) until the sink formats them.
import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';

export const pricingEntities = ['base', 'tier', 'special', 'sharedCatalog'] as const;
export type PricingEntity = (typeof pricingEntities)[number];

export interface BasePrice {
  flow: 'pricing';
  entity: 'base';
  sku: string;
  storeId: number;
  price: number;
}

export interface TierPrice {
  flow: 'pricing';
  entity: 'tier';
  sku: string;
  websiteId: number;
  /** Customer group *code* (`General`, `ALL GROUPS`), as the tier-price API wants it. */
  customerGroup: string;
  quantity: number;
  price: number;
  priceType: 'fixed' | 'discount';
}

export interface SpecialPrice {
  flow: 'pricing';
  entity: 'special';
  sku: string;
  storeId: number;
  price: number;
  priceFromMs: number;
  /** Open-ended when undefined. */
  priceToMs: number | undefined;
}

export interface SharedCatalogPrice {
  flow: 'pricing';
  entity: 'sharedCatalog';
  sku: string;
  /** Shared catalog name (unique in Commerce) or numeric id. */
  sharedCatalog: string;
  websiteId: number;
  price: number;
}

export type PricingRecord = BasePrice | TierPrice | SpecialPrice | SharedCatalogPrice;

function integerOr(reader: FieldReader, name: string, fallback: number): number {
  const value = reader.read(name);
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

interface Common {
  sku: string;
  price: number;
}

function commonOf(reader: FieldReader, deleted: boolean): Common | undefined {
  const sku = reader.required('sku');
  const price = deleted ? (reader.read('price') ?? 0) : reader.required('price');
  if (typeof sku !== 'string' || typeof price !== 'number') return undefined;
  if (sku.trim() === '') reader.errors.push('sku is empty');
  else if (price < 0) reader.errors.push(`price ${price} is negative`);
  else return { sku, price };
  return undefined;
}

function baseOf(reader: FieldReader, common: Common, deleted: boolean): Built<BasePrice> {
  if (deleted) {
    reader.errors.push('a base price cannot be deleted in Commerce, only changed');
    return undefined;
  }
  const storeId = integerOr(reader, 'storeId', 0);
  return {
    key: `${common.sku}|${storeId}`,
    record: { flow: 'pricing', entity: 'base', storeId, ...common },
  };
}

function tierOf(reader: FieldReader, common: Common): Built<TierPrice> {
  const group = reader.required('customerGroup');
  const quantity = reader.required('quantity');
  if (typeof group !== 'string' || typeof quantity !== 'number') return undefined;
  if (quantity <= 0) {
    reader.errors.push(`tier quantity ${quantity} must be positive`);
    return undefined;
  }
  const type = reader.read('priceType');
  const websiteId = integerOr(reader, 'websiteId', 0);
  return {
    key: `${common.sku}|${websiteId}|${group}|${quantity}`,
    record: {
      flow: 'pricing',
      entity: 'tier',
      ...common,
      websiteId,
      customerGroup: group,
      quantity,
      priceType: type === 'discount' ? 'discount' : 'fixed',
    },
  };
}

function specialOf(reader: FieldReader, common: Common): Built<SpecialPrice> {
  const from = reader.required('priceFrom');
  const to = reader.read('priceTo');
  if (typeof from !== 'number') return undefined;
  if (typeof to === 'number' && to < from) {
    reader.errors.push('priceTo is before priceFrom');
    return undefined;
  }
  const storeId = integerOr(reader, 'storeId', 0);
  return {
    key: `${common.sku}|${storeId}|${from}`,
    record: {
      flow: 'pricing',
      entity: 'special',
      ...common,
      storeId,
      priceFromMs: from,
      priceToMs: typeof to === 'number' ? to : undefined,
    },
  };
}

function sharedCatalogOf(reader: FieldReader, common: Common): Built<SharedCatalogPrice> {
  const catalog = reader.required('sharedCatalog');
  if (typeof catalog !== 'string' && typeof catalog !== 'number') return undefined;
  const websiteId = integerOr(reader, 'websiteId', 0);
  return {
    key: `${common.sku}|${String(catalog)}|${websiteId}`,
    record: {
      flow: 'pricing',
      entity: 'sharedCatalog',
      ...common,
      sharedCatalog: String(catalog),
      websiteId,
    },
  };
}

function build(entity: PricingEntity, reader: FieldReader, deleted: boolean): Built<PricingRecord> {
  const common = commonOf(reader, deleted);
  if (common === undefined) return undefined;
  switch (entity) {
    case 'base':
      return baseOf(reader, common, deleted);
    case 'tier':
      return tierOf(reader, common);
    case 'special':
      return specialOf(reader, common);
    case 'sharedCatalog':
      return sharedCatalogOf(reader, common);
  }
}

export function pricingRecordFor(
  entity: PricingEntity,
): (event: DecodedEvent, message: MessageIn, options: FlowOptions) => MapResult<PricingRecord> {
  return (event, message, options) =>
    envelopeFor({ event, message, options }, (reader, deleted) => build(entity, reader, deleted));
}
