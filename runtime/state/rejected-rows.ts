// The rejected-row report of a run: each row that cannot be applied (unparsable, invalid, or
// refused by the sink) with its line and reason, in a Redis hash beside the run record. Keyed by
// line, so rows reported again after a restart are not counted twice. Also logged.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeadLetter, DeadLetterEntry } from '../sinks/dead-letter.ts';

export interface RejectedRow {
  /** `line:N` of a file, or `key@modifiedMs` of a polled row. */
  position: string;
  reasonCode: string;
  reason: string;
}

/** Rejected-row reports expire after 30 days. */
const reportTtlSeconds = 30 * 86_400;
/** Rows logged one by one per process; the rest only count. */
const loggedRows = 100;

export class RejectedRows implements DeadLetter {
  readonly key: string;
  readonly #redis: Redis;
  readonly #log: Logger;
  #logged = 0;

  constructor(redis: Redis, key: string, log: Logger) {
    this.#redis = redis;
    this.key = key;
    this.#log = log;
  }

  send(entries: readonly DeadLetterEntry[]): Promise<void> {
    return this.add(
      entries.map((e) => ({
        position: e.message.position,
        reasonCode: e.reasonCode,
        reason: e.reason,
      })),
    );
  }

  async add(rows: readonly RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const row of rows) {
      if (this.#logged++ < loggedRows) this.#log.warn({ ...row }, 'row rejected');
    }
    const fields = rows.flatMap((r) => [
      r.position.replace(/^line:/, ''),
      JSON.stringify({ reasonCode: r.reasonCode, reason: r.reason }),
    ]);
    await this.#redis
      .multi()
      .hset(this.key, ...fields)
      .expire(this.key, reportTtlSeconds)
      .exec();
  }

  /** Rejected rows so far: refused by the sink (`failed`) and refused before it. */
  async counts(): Promise<{ failed: number; deadLettered: number }> {
    const values = await this.#redis.hvals(this.key);
    const failed = values.filter((v) => v.includes('"SF_SINK_')).length;
    return { failed, deadLettered: values.length - failed };
  }
}
