// Entry of runtime/sinks/erp/: the sink of a flow that writes into the ERP (orders from
// Commerce) — NetSuite's record API with its external-id upsert, or an OData service (SAP)
// with an "in doubt" mark and a read before any retried create.
import type { Redis } from 'ioredis';
import type { CanonicalRecord, OrderRecord } from '../../flow/flow.ts';
import type { Sink } from '../sink.ts';
import { ErpClient, type ErpClientOptions } from './erp-client.ts';
import { NetSuiteOrderSink } from './netsuite-order-sink.ts';
import { ODataOrderSink } from './odata-order-sink.ts';

export type { ErpAuth, ErpClientOptions } from './erp-client.ts';

export type ErpSinkTarget =
  | { kind: 'suiteql'; recordType: string }
  | {
      kind: 'odata';
      entitySet: string;
      externalIdField: string;
      settleMs: number;
      inDoubtPrefix: string;
    };

export interface ErpSinkOptions {
  client: ErpClientOptions;
  target: ErpSinkTarget;
}

export function erpSinkFor(options: ErpSinkOptions, redis: Redis): Sink<CanonicalRecord> {
  const client = new ErpClient(options.client);
  const { target } = options;
  const sink: Sink<OrderRecord> =
    target.kind === 'suiteql'
      ? new NetSuiteOrderSink(client, { recordType: target.recordType })
      : new ODataOrderSink(client, { ...target, redis, nowMs: options.client.nowMs });
  // The pipeline maps by the same flow, so an order sink only ever receives order records.
  return sink;
}
