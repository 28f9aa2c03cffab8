// Commerce's price storages answer 200 with the rows they skipped (`[{message, parameters}]`).
// A failure names its row only through the parameters (the SKU, sometimes a value), so it is
// matched to the batch's items by SKU, narrowed by any other parameter the row carries.
import type { WriteFailure } from '../sink.ts';
import { errorMessageOf } from './commerce-client.ts';

export interface PricedItem {
  key: string;
  sku: string;
  /** Row values a failure may quote (price, quantity, group), as Commerce writes them. */
  values: string[];
}

function parametersOf(failure: unknown): string[] {
  const parameters = (failure as { parameters?: unknown }).parameters;
  if (Array.isArray(parameters)) return parameters.map(String);
  if (parameters !== null && typeof parameters === 'object')
    return Object.values(parameters).map(String);
  return [];
}

/** The items each 200-body failure names, as dead-letter failures (one per item). */
export function rowFailuresOf(body: unknown, items: readonly PricedItem[]): WriteFailure[] {
  if (!Array.isArray(body)) return [];
  const failed = new Map<string, WriteFailure>();
  for (const failure of body as unknown[]) {
    const parameters = parametersOf(failure);
    const sameSku = items.filter((i) => parameters.includes(i.sku));
    const narrowed = sameSku.filter((i) => i.values.some((v) => parameters.includes(v)));
    for (const item of narrowed.length > 0 ? narrowed : sameSku)
      failed.set(item.key, {
        key: item.key,
        reasonCode: 'SF_SINK_ROW_REJECTED',
        reason: errorMessageOf(failure),
      });
  }
  return [...failed.values()];
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function appliedExcept(keys: readonly string[], failed: readonly WriteFailure[]): string[] {
  const failedKeys = new Set(failed.map((f) => f.key));
  return keys.filter((k) => !failedKeys.has(k));
}

/** Commerce's date-time format for price validity: `YYYY-MM-DD HH:MM:SS`, UTC. */
export function commerceDateTimeOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
