// Entry of runtime/sinks/commerce/: the Commerce sink of a flow and entity — inventory source
// items, company credit, base/tier/special/shared-catalog prices, shipments and invoices,
// products, companies, buyers and addresses — over one CommerceClient per connection, drawing
// on the connection's shared budget.
import type { Redis } from 'ioredis';
import type { CanonicalRecord, FlowKind } from '../../flow/flow.ts';
import type { Sink } from '../sink.ts';
import { AddressSink } from './address-sink.ts';
import { BasePriceSink } from './base-price-sink.ts';
import { BuyerSink } from './buyer-sink.ts';
import { CatalogSink } from './catalog-sink.ts';
import { CommerceClient, type CommerceClientOptions } from './commerce-client.ts';
import { CompanyLock } from './company-lock.ts';
import { CompanySink } from './company-sink.ts';
import { CreditSink } from './credit-sink.ts';
import { InventorySink } from './inventory-sink.ts';
import { OrderStatusSink } from './order-status-sink.ts';
import { SharedCatalogPriceSink } from './shared-catalog-price-sink.ts';
import { SpecialPriceSink } from './special-price-sink.ts';
import { TierPriceSink } from './tier-price-sink.ts';

export {
  CommerceClient,
  retryAfterMsOf,
  type BudgetSlot,
  type CommerceAuth,
  type CommerceClientOptions,
} from './commerce-client.ts';
export { oauth1Header, type OAuth1Credentials } from './oauth1.ts';

export interface CommerceSinkOptions {
  flow: FlowKind;
  /** The flow's entity (pricing: base | tier | special | sharedCatalog; orderStatus: …). */
  entity: string;
  client: CommerceClientOptions;
  batchSize: number;
  companyLookupField: string;
  /** Prefix of the tier sink's desired lists, `sf:{instanceId}:tiers:{connection}`. */
  tierKeyPrefix: string;
  /** Prefix of the address sink's desired lists, `sf:{instanceId}:addresses:{connection}`. */
  addressKeyPrefix: string;
  /** Prefix of the per-company locks, `sf:{instanceId}:locks:{connection}`. */
  lockKeyPrefix: string;
  /** Customer custom attribute holding a buyer's ERP id. Default: erp_id. */
  customerIdAttribute: string;
  /** Customer-address custom attribute holding the ERP address id. Default: erp_address_id. */
  addressIdAttribute: string;
}

type AnySink = Sink<never>;

function pricingSinkFor(
  options: CommerceSinkOptions,
  client: CommerceClient,
  redis: Redis,
): AnySink {
  switch (options.entity) {
    case 'tier':
      return new TierPriceSink(client, { redis, keyPrefix: options.tierKeyPrefix });
    case 'special':
      return new SpecialPriceSink(client, { batchSize: options.batchSize });
    case 'sharedCatalog':
      return new SharedCatalogPriceSink(client);
    default:
      return new BasePriceSink(client, { batchSize: options.batchSize });
  }
}

function customerSinkFor(
  options: CommerceSinkOptions,
  client: CommerceClient,
  redis: Redis,
): AnySink {
  const { companyLookupField, customerIdAttribute } = options;
  switch (options.entity) {
    case 'buyer':
      return new BuyerSink(client, { companyLookupField, customerIdAttribute });
    case 'address':
      return new AddressSink(client, {
        redis,
        keyPrefix: options.addressKeyPrefix,
        companyLookupField,
        customerIdAttribute,
        addressIdAttribute: options.addressIdAttribute,
      });
    default:
      return new CompanySink(client, {
        companyLookupField,
        lock: new CompanyLock(redis, { keyPrefix: options.lockKeyPrefix }),
      });
  }
}

export function commerceSinkFor(options: CommerceSinkOptions, redis: Redis): Sink<CanonicalRecord> {
  const client = new CommerceClient(options.client);
  const sinks: Record<FlowKind, () => AnySink> = {
    inventory: () => new InventorySink(client, { batchSize: options.batchSize }),
    credit: () =>
      new CreditSink(client, {
        companyLookupField: options.companyLookupField,
        lock: new CompanyLock(redis, { keyPrefix: options.lockKeyPrefix }),
      }),
    pricing: () => pricingSinkFor(options, client, redis),
    orderStatus: () => new OrderStatusSink(client),
    catalog: () => new CatalogSink(client, { rootCategoryId: 2, attributeSetId: 4 }),
    customer: () => customerSinkFor(options, client, redis),
    order: () => {
      throw new Error('orders are written into the ERP, not into Commerce');
    },
  };
  // Each flow's sink receives only its own flow's records (the pipeline maps by the same flow).
  return sinks[options.flow]();
}
