// Inventory into Commerce MSI: `POST /V1/inventory/source-items` in chunks (upsert on sku +
// source_code, absolute on-hand quantity), `source-items-delete` for applied deletes. A chunk
// Commerce refuses as a whole is halved until the refused rows are found, so one bad row is
// dead-lettered instead of blocking its neighbours.
import type { InventoryRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import { errorMessageOf, type CommerceClient } from './commerce-client.ts';

type Item = WriteItem<InventoryRecord>;

export interface InventorySinkOptions {
  /** Rows per request; Commerce caps synchronous list inputs at 20 when input limits are on. */
  batchSize: number;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function rowOf(item: Item): Record<string, unknown> {
  const { sku, sourceCode, quantity, status } = item.record;
  return item.deleted
    ? { sku, source_code: sourceCode }
    : { sku, source_code: sourceCode, quantity, status };
}

/** Per-row failures in a 200 body (`[{message, parameters}]`), matched to rows by SKU. */
function rowFailuresOf(body: unknown, chunk: readonly Item[]): WriteFailure[] {
  if (!Array.isArray(body) || body.length === 0) return [];
  return body.flatMap((failure: unknown) => {
    const text = JSON.stringify((failure as { parameters?: unknown }).parameters ?? []);
    const item = chunk.find((i) => text.includes(JSON.stringify(i.record.sku)));
    return item
      ? [{ key: item.key, reasonCode: 'SF_SINK_ROW_REJECTED', reason: errorMessageOf(failure) }]
      : [];
  });
}

export class InventorySink implements Sink<InventoryRecord> {
  readonly #client: CommerceClient;
  readonly #options: InventorySinkOptions;

  constructor(client: CommerceClient, options: InventorySinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const chunks = [
      ...chunksOf(
        items.filter((i) => !i.deleted),
        this.#options.batchSize,
      ),
      ...chunksOf(
        items.filter((i) => i.deleted),
        this.#options.batchSize,
      ),
    ];
    const results = await Promise.all(chunks.map((chunk) => this.#writeChunk(chunk, attempt)));
    return { applied: results.flatMap((r) => r.applied), failed: results.flatMap((r) => r.failed) };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #writeChunk(chunk: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const path = chunk[0]?.deleted
      ? '/V1/inventory/source-items-delete'
      : '/V1/inventory/source-items';
    const response = await attempt(`POST ${path}`, () =>
      this.#client.request('POST', path, { sourceItems: chunk.map(rowOf) }),
    );
    if (response.status < 300) {
      const failed = rowFailuresOf(response.body, chunk);
      const failedKeys = new Set(failed.map((f) => f.key));
      return { applied: chunk.filter((i) => !failedKeys.has(i.key)).map((i) => i.key), failed };
    }
    if (chunk.length === 1) {
      const reason = `Commerce answered ${response.status}: ${errorMessageOf(response.body)}`;
      return {
        applied: [],
        failed: chunk.map((i) => ({ key: i.key, reasonCode: 'SF_SINK_ROW_REJECTED', reason })),
      };
    }
    const half = Math.ceil(chunk.length / 2);
    const [left, right] = await Promise.all([
      this.#writeChunk(chunk.slice(0, half), attempt),
      this.#writeChunk(chunk.slice(half), attempt),
    ]);
    return {
      applied: [...left.applied, ...right.applied],
      failed: [...left.failed, ...right.failed],
    };
  }
}
