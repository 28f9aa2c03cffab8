// Checkpoint of the poll mode: the (modified, key) of the last row of a page, written to Redis
// once the page's sink write and the gate's record succeeded. The next poll reads from it minus
// the overlap window; a cursor never moves backwards.
import type { Redis } from 'ioredis';
import type { DeltaCursor } from '../sources/delta.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { Checkpoint } from './checkpoint.ts';

export class RedisCursor implements Checkpoint {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #nowMs: () => number;

  constructor(redis: Redis, key: string, nowMs: () => number) {
    this.#redis = redis;
    this.#key = key;
    this.#nowMs = nowMs;
  }

  async read(): Promise<DeltaCursor | undefined> {
    const raw = await this.#redis.get(this.#key);
    if (raw === null) return undefined;
    const { modifiedMs, key } = JSON.parse(raw) as DeltaCursor;
    return { modifiedMs, key };
  }

  async commit(batch: SourceBatch): Promise<void> {
    const position = batch.position as DeltaCursor;
    const current = await this.read();
    if (current && isBefore(position, current)) return;
    await this.#redis.set(this.#key, JSON.stringify({ ...position, atMs: this.#nowMs() }));
  }
}

export function isBefore(a: DeltaCursor, b: DeltaCursor): boolean {
  return a.modifiedMs < b.modifiedMs || (a.modifiedMs === b.modifiedMs && a.key < b.key);
}
