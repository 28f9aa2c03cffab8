// Entry of runtime/flow/ (pure): turns source messages into the flow's canonical *set* records —
// decode (JSON, CloudEvents) → validate → map by the flow's typed field paths — and collapses a
// batch to the newest record per key. Refusals come back as reasons, never as exceptions.

import { catalogRecordFor, type ProductRecord } from './catalog.ts';
import { creditRecordFor, type CreditRecord } from './credit.ts';
import {
  customerEntities,
  customerRecordFor,
  type CustomerEntity,
  type CustomerRecord,
} from './customer.ts';
import { decodeMessage, type MessageIn } from './decode.ts';
import type { Envelope, FlowOptions, MapResult, Poison } from './envelope.ts';
import { inventoryRecordFor, type InventoryRecord } from './inventory.ts';
import { orderStatusRecordFor, type OrderStatusRecord } from './order-status.ts';
import { orderRecordFor, type OrderRecord } from './order.ts';
import {
  pricingEntities,
  pricingRecordFor,
  type PricingEntity,
  type PricingRecord,
} from './pricing.ts';

export type { ProductRecord } from './catalog.ts';
export type { CreditRecord } from './credit.ts';
export type { AddressRecord, BuyerRecord, CompanyRecord, CustomerRecord } from './customer.ts';
export type { MessageIn } from './decode.ts';
export type { Envelope, FlowOptions, Poison } from './envelope.ts';
export type { FieldSpec, FieldType } from './field-path.ts';
export type { InventoryRecord } from './inventory.ts';
export type { OrderStatusRecord, StatusLine, TrackingNumber } from './order-status.ts';
export type { OrderLine, OrderRecord } from './order.ts';
export type {
  BasePrice,
  PricingEntity,
  PricingRecord,
  SharedCatalogPrice,
  SpecialPrice,
  TierPrice,
} from './pricing.ts';

export type CanonicalRecord =
  | InventoryRecord
  | CreditRecord
  | PricingRecord
  | OrderStatusRecord
  | OrderRecord
  | ProductRecord
  | CustomerRecord;
export type FlowKind = CanonicalRecord['flow'];
export const flowKinds: readonly FlowKind[] = [
  'inventory',
  'credit',
  'pricing',
  'orderStatus',
  'order',
  'catalog',
  'customer',
];

export interface FlowDefinition {
  flow: FlowKind;
  /** The sub-kind where the flow has several (pricing: tier, …; orderStatus: shipment | invoice). */
  entity?: string;
  options: FlowOptions;
}

export interface PoisonMessage extends Poison {
  message: MessageIn;
}

export interface MappedBatch {
  envelopes: Envelope<CanonicalRecord>[];
  poison: PoisonMessage[];
  /** Messages dropped on purpose (a `deleted` marker under `deletes: ignore`). */
  ignored: number;
}

type Mapper = (...args: Parameters<typeof inventoryRecordFor>) => MapResult<CanonicalRecord>;

const isPricingEntity = (entity: string | undefined): entity is PricingEntity =>
  (pricingEntities as readonly (string | undefined)[]).includes(entity);

const isCustomerEntity = (entity: string | undefined): entity is CustomerEntity =>
  (customerEntities as readonly (string | undefined)[]).includes(entity);

/** The mapper of a flow and entity; an entity the flow does not have maps to its first one. */
const mappers: Record<FlowKind, (entity: string | undefined) => Mapper> = {
  inventory: () => inventoryRecordFor,
  credit: () => creditRecordFor,
  pricing: (entity) => pricingRecordFor(isPricingEntity(entity) ? entity : 'base'),
  orderStatus: (entity) => orderStatusRecordFor(entity === 'invoice' ? 'invoice' : 'shipment'),
  order: () => orderRecordFor,
  catalog: () => catalogRecordFor,
  customer: (entity) => customerRecordFor(isCustomerEntity(entity) ? entity : 'company'),
};

function mapperFor(definition: FlowDefinition): Mapper {
  return mappers[definition.flow](definition.entity);
}

export function recordFor(
  message: MessageIn,
  definition: FlowDefinition,
): MapResult<CanonicalRecord> {
  const decoded = decodeMessage(message);
  if ('poison' in decoded) return decoded;
  return mapperFor(definition)(decoded.event, message, definition.options);
}

export function recordsFor(
  messages: readonly MessageIn[],
  definition: FlowDefinition,
): MappedBatch {
  const batch: MappedBatch = { envelopes: [], poison: [], ignored: 0 };
  for (const message of messages) {
    const result = recordFor(message, definition);
    if ('envelope' in result) batch.envelopes.push(result.envelope);
    else if ('poison' in result) batch.poison.push({ ...result.poison, message });
    else batch.ignored += 1;
  }
  return batch;
}

export type SkipReason = 'duplicate' | 'stale';

export interface Collapsed<R> {
  latest: Envelope<R>[];
  skipped: { envelope: Envelope<R>; reason: SkipReason }[];
}

/**
 * The newest record per key of one batch, in first-seen key order. Older versions are stale;
 * a repeated event id or an equal version is a duplicate (the first one seen wins).
 */
export function latestPerKey<R>(envelopes: readonly Envelope<R>[]): Collapsed<R> {
  const byKey = new Map<string, Envelope<R>>();
  const seenIds = new Set<string>();
  const skipped: Collapsed<R>['skipped'] = [];
  for (const envelope of envelopes) {
    if (seenIds.has(envelope.eventId)) {
      skipped.push({ envelope, reason: 'duplicate' });
      continue;
    }
    seenIds.add(envelope.eventId);
    const current = byKey.get(envelope.key);
    if (current === undefined || envelope.version > current.version) {
      if (current) skipped.push({ envelope: current, reason: 'stale' });
      byKey.set(envelope.key, envelope);
    } else {
      skipped.push({
        envelope,
        reason: envelope.version === current.version ? 'duplicate' : 'stale',
      });
    }
  }
  return { latest: [...byKey.values()], skipped };
}
