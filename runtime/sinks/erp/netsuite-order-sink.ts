// Orders into NetSuite: `PUT /services/rest/record/v1/{recordType}/eid:{orderNumber}` creates
// the sales order or updates the one with that external id, so a retry after a timeout, a
// redelivered event or a replay never makes a second order. 204 is success; a 4xx refuses the
// order for good (dead letter with NetSuite's message); anything else is retried.
import type { OrderRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import type { ErpClient } from './erp-client.ts';

type Item = WriteItem<OrderRecord>;

export function netSuiteOrderOf(record: OrderRecord): Record<string, unknown> {
  return {
    externalId: record.orderNumber,
    otherRefNum: record.orderNumber,
    entity: { externalId: record.customerExternalId },
    ...(record.placedAtMs === undefined
      ? {}
      : { tranDate: new Date(record.placedAtMs).toISOString().slice(0, 10) }),
    ...(record.currency === undefined ? {} : { currency: { refName: record.currency } }),
    item: {
      items: record.lines.map((line) => ({
        item: { externalId: line.sku },
        quantity: line.quantity,
        ...(line.price === undefined ? {} : { rate: line.price }),
      })),
    },
  };
}

function messageOf(body: unknown): string {
  const details = (body as { 'o:errorDetails'?: { detail?: string }[] } | undefined)?.[
    'o:errorDetails'
  ];
  return details?.map((d) => d.detail).join('; ') ?? JSON.stringify(body);
}

export class NetSuiteOrderSink implements Sink<OrderRecord> {
  readonly #client: ErpClient;
  readonly #recordType: string;

  constructor(client: ErpClient, options: { recordType: string }) {
    this.#client = client;
    this.#recordType = options.recordType;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const outcomes = await Promise.all(items.map((item) => this.#upsert(item, attempt)));
    return {
      applied: outcomes.filter((o): o is string => typeof o === 'string'),
      failed: outcomes.filter((o): o is WriteFailure => typeof o !== 'string'),
    };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #upsert(item: Item, attempt: Attempt): Promise<string | WriteFailure> {
    const path = `/services/rest/record/v1/${this.#recordType}/eid:${encodeURIComponent(item.record.orderNumber)}`;
    const response = await attempt(`upsert ${this.#recordType} ${item.key}`, () =>
      this.#client.request('PUT', path, netSuiteOrderOf(item.record)),
    );
    if (response.status < 300) return item.key;
    return {
      key: item.key,
      reasonCode: 'SF_SINK_ROW_REJECTED',
      reason: `NetSuite answered ${response.status}: ${messageOf(response.body)}`,
    };
  }
}
