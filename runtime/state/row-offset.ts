// Checkpoint of the batch mode: how many data rows of the export are done, with the run and
// the export they belong to, so a restarted Job resumes the same run where it stopped. A row
// past the offset that was already written before a crash is dropped again by the gate.
import type { Redis } from 'ioredis';
import type { RowPosition } from '../sources/file.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { Checkpoint } from './checkpoint.ts';

export interface BatchProgress {
  runId: string;
  /** Identity of the export: path or URL, size and modification time or ETag. */
  fileId: string;
  /** Data rows done (1-based count; the header is not a row). */
  rowOffset: number;
  asOfMs: number;
  startedAtMs: number;
  /** Set once the whole export was imported. */
  completedAtMs?: number;
}

export class RedisRowOffset implements Checkpoint {
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, key: string) {
    this.#redis = redis;
    this.#key = key;
  }

  async read(): Promise<BatchProgress | undefined> {
    const raw = await this.#redis.hgetall(this.#key);
    if (raw['runId'] === undefined || raw['fileId'] === undefined) return undefined;
    return {
      runId: raw['runId'],
      fileId: raw['fileId'],
      rowOffset: Number(raw['rowOffset'] ?? 0),
      asOfMs: Number(raw['asOfMs'] ?? 0),
      startedAtMs: Number(raw['startedAtMs'] ?? 0),
      ...(raw['completedAtMs'] ? { completedAtMs: Number(raw['completedAtMs']) } : {}),
    };
  }

  async begin(progress: BatchProgress): Promise<void> {
    await this.#redis
      .multi()
      .del(this.#key)
      .hset(this.#key, { ...progress })
      .exec();
  }

  async commit(batch: SourceBatch): Promise<void> {
    await this.#redis.hset(this.#key, 'rowOffset', (batch.position as RowPosition).rowOffset);
  }

  async complete(atMs: number): Promise<void> {
    await this.#redis.hset(this.#key, 'completedAtMs', atMs);
  }
}
