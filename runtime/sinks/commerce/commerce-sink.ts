// Entry of runtime/sinks/commerce/: the Commerce sink of a flow — inventory source items or
// company credit — over one CommerceClient per connection.
import type { CanonicalRecord, FlowKind } from '../../flow/flow.ts';
import type { Sink } from '../sink.ts';
import { CommerceClient, type CommerceClientOptions } from './commerce-client.ts';
import { CreditSink } from './credit-sink.ts';
import { InventorySink } from './inventory-sink.ts';

export {
  CommerceClient,
  type CommerceAuth,
  type CommerceClientOptions,
} from './commerce-client.ts';

export interface CommerceSinkOptions {
  flow: FlowKind;
  client: CommerceClientOptions;
  batchSize: number;
  companyLookupField: string;
}

export function commerceSinkFor(options: CommerceSinkOptions): Sink<CanonicalRecord> {
  const client = new CommerceClient(options.client);
  const sink =
    options.flow === 'inventory'
      ? new InventorySink(client, { batchSize: options.batchSize })
      : new CreditSink(client, { companyLookupField: options.companyLookupField });
  // Each flow's sink receives only its own flow's records (the pipeline maps by the same flow).
  return sink;
}
