// The replay's progress in Redis, one hash per replay under the flow's prefix
// (`sf:{instanceId}:{ns}/{name}:replay:{replayId}`): phase, message, the recorded ranges and the
// offset reached per partition (or the cursor), timestamps, and the counts. The gate of the
// replay writes its figures (recordsIn, applied, skippedDuplicate, skippedStale, deadLettered)
// into the same hash in its record call, so the counts move atomically with the versions. The
// operator reads this hash for the SyncFlowReplay's status.
import type { Redis } from 'ioredis';
import type { PartitionRange } from './replay-range.ts';

export type ReplayRunPhase = 'Running' | 'Completed' | 'Failed';

/** Exit code of a replay refused for good (a `from` before the log's start): the Job must not retry. */
export const replayRefusedExitCode = 5;

export { replayProgressKeyFor } from '../../crds/flow-state-keys.ts';

export interface ReplayState {
  phase?: ReplayRunPhase;
  ranges?: PartitionRange[];
  positioned: boolean;
  committed: Map<number, number>;
  cursor?: string;
}

export class ReplayProgress {
  readonly key: string;
  readonly #redis: Redis;
  readonly #nowMs: () => number;

  constructor(redis: Redis, key: string, nowMs: () => number) {
    this.#redis = redis;
    this.key = key;
    this.#nowMs = nowMs;
  }

  async read(): Promise<ReplayState> {
    const hash = await this.#redis.hgetall(this.key);
    const committed = new Map<number, number>();
    for (const [field, value] of Object.entries(hash)) {
      const partition = /^committed:(\d+)$/.exec(field)?.[1];
      if (partition !== undefined) committed.set(Number(partition), Number(value));
    }
    return {
      ...(hash['phase'] ? { phase: hash['phase'] as ReplayRunPhase } : {}),
      ...(hash['ranges'] ? { ranges: JSON.parse(hash['ranges']) as PartitionRange[] } : {}),
      ...(hash['cursor'] ? { cursor: hash['cursor'] } : {}),
      positioned: hash['positioned'] === '1',
      committed,
    };
  }

  /** Marks the replay running; `fields` are recorded once (ranges, topic, group, from). */
  async start(fields: Record<string, string>): Promise<void> {
    const now = String(this.#nowMs());
    await this.#redis
      .multi()
      .hsetnx(this.key, 'startedAtMs', now)
      .hset(this.key, { phase: 'Running', atMs: now, ...fields })
      .exec();
  }

  async set(fields: Record<string, string>): Promise<void> {
    await this.#redis.hset(this.key, { ...fields, atMs: String(this.#nowMs()) });
  }

  async committed(partition: number, offset: number): Promise<void> {
    await this.set({ [`committed:${partition}`]: String(offset) });
  }

  async finish(phase: 'Completed' | 'Failed', message: string): Promise<void> {
    await this.set({ phase, message, completedAtMs: String(this.#nowMs()) });
  }
}
