// Base (list) prices: `POST /V1/products/base-prices` in chunks, an absolute price per
// (sku, store_id). Commerce answers 200 and lists the rows it skipped; those are dead-lettered.
import type { BasePrice } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import { errorMessageOf, type CommerceClient } from './commerce-client.ts';
import { appliedExcept, chunksOf, rowFailuresOf } from './row-failures.ts';

type Item = WriteItem<BasePrice>;

/** A 4xx for the whole request: every row of it is dead-lettered with Commerce's message. */
export function chunkRefused(
  chunk: readonly { key: string }[],
  status: number,
  body: unknown,
): WriteResult {
  const reason = `Commerce answered ${status}: ${errorMessageOf(body)}`;
  return {
    applied: [],
    failed: chunk.map((i) => ({ key: i.key, reasonCode: 'SF_SINK_ROW_REJECTED', reason })),
  };
}

export class BasePriceSink implements Sink<BasePrice> {
  readonly #client: CommerceClient;
  readonly #batchSize: number;

  constructor(client: CommerceClient, options: { batchSize: number }) {
    this.#client = client;
    this.#batchSize = options.batchSize;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const results = await Promise.all(
      chunksOf(items, this.#batchSize).map((chunk) => this.#writeChunk(chunk, attempt)),
    );
    return { applied: results.flatMap((r) => r.applied), failed: results.flatMap((r) => r.failed) };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #writeChunk(chunk: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const prices = chunk.map(({ record: r }) => ({
      sku: r.sku,
      store_id: r.storeId,
      price: r.price,
    }));
    const response = await attempt('POST base-prices', () =>
      this.#client.request('POST', '/V1/products/base-prices', { prices }),
    );
    if (response.status >= 300) return chunkRefused(chunk, response.status, response.body);
    const failed = rowFailuresOf(
      response.body,
      chunk.map((i) => ({ key: i.key, sku: i.record.sku, values: [String(i.record.price)] })),
    );
    return {
      applied: appliedExcept(
        chunk.map((i) => i.key),
        failed,
      ),
      failed,
    };
  }
}
