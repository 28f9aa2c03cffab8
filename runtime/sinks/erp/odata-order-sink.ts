// Orders into an ERP without an upsert (SAP S/4HANA's A_SalesOrder, OData v4 or v2): the
// Commerce order number goes into an external-reference property (PurchaseOrderByCustomer), and
// each order is written as one unit that reads first. Before a create the order is marked "in
// doubt" in Redis; a create that times out (or a pod killed mid-call) leaves the mark, and every
// retry then reads the order by its reference first — found: done; not found while the ERP may
// still be committing (within the settle time): wait and read again; only after that is it
// created again. So a timeout never yields two orders.
import type { Redis } from 'ioredis';
import { RetryableError } from '../../errors.ts';
import type { OrderRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import type { ErpClient } from './erp-client.ts';

type Item = WriteItem<OrderRecord>;

export interface ODataOrderSinkOptions {
  entitySet: string;
  externalIdField: string;
  redis: Redis;
  /** `sf:{instanceId}:indoubt:{connection}`; one key per order number below it. */
  inDoubtPrefix: string;
  /** How long after an unanswered create the ERP may still commit it. */
  settleMs: number;
  nowMs: () => number;
}

const inDoubtTtlSeconds = 30 * 24 * 3600;

export function sapSalesOrderOf(
  record: OrderRecord,
  externalIdField: string,
): Record<string, unknown> {
  return {
    [externalIdField]: record.orderNumber,
    SoldToParty: record.customerExternalId,
    ...(record.currency === undefined ? {} : { TransactionCurrency: record.currency }),
    to_Item: record.lines.map((line, i) => ({
      SalesOrderItem: String((i + 1) * 10),
      Material: line.sku,
      RequestedQuantity: String(line.quantity),
    })),
  };
}

/** OData v4 answers `{ value: [...] }`, v2 `{ d: { results: [...] } }`. */
function rowsOf(body: unknown): unknown[] {
  const b = body as { value?: unknown[]; d?: { results?: unknown[] } } | undefined;
  return b?.value ?? b?.d?.results ?? [];
}

const quoted = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export class ODataOrderSink implements Sink<OrderRecord> {
  readonly #client: ErpClient;
  readonly #options: ODataOrderSinkOptions;

  constructor(client: ErpClient, options: ODataOrderSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const outcomes = await Promise.all(
      items.map((item) => attempt(`create order ${item.key}`, () => this.#createOnce(item))),
    );
    return {
      applied: outcomes.filter((o): o is string => typeof o === 'string'),
      failed: outcomes.filter((o): o is WriteFailure => typeof o !== 'string'),
    };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #exists(orderNumber: string): Promise<boolean> {
    const { entitySet, externalIdField } = this.#options;
    const filter = encodeURIComponent(`${externalIdField} eq ${quoted(orderNumber)}`);
    const response = await this.#client.request('GET', `${entitySet}?$filter=${filter}&$top=1`);
    if (response.status >= 300)
      throw new Error(
        `read order ${orderNumber} by ${externalIdField}: ERP answered ${response.status}`,
      );
    return rowsOf(response.body).length > 0;
  }

  async #createOnce(item: Item): Promise<string | WriteFailure> {
    const { redis, inDoubtPrefix, settleMs, nowMs } = this.#options;
    const doubtKey = `${inDoubtPrefix}:${item.record.orderNumber}`;
    if (await this.#exists(item.record.orderNumber)) {
      await redis.del(doubtKey);
      return item.key;
    }
    const doubt = await redis.get(doubtKey);
    const sinceMs = doubt === null ? Infinity : nowMs() - Number(doubt);
    if (sinceMs < settleMs)
      throw new RetryableError(`order ${item.record.orderNumber} is in doubt: reading it again`, {
        retryAfterMs: Math.min(1000, settleMs - sinceMs),
      });
    await redis.set(doubtKey, String(nowMs()), 'EX', inDoubtTtlSeconds);
    const response = await this.#client.request(
      'POST',
      this.#options.entitySet,
      sapSalesOrderOf(item.record, this.#options.externalIdField),
    );
    await redis.del(doubtKey);
    if (response.status < 300) return item.key;
    return {
      key: item.key,
      reasonCode: 'SF_SINK_ROW_REJECTED',
      reason: `ERP answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`,
    };
  }
}
