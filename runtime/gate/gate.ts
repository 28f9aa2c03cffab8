// Entry of runtime/gate/: the idempotency gate. `check` (one Lua call per batch) drops event ids
// already applied within the TTL window and versions not newer than the last applied one, and
// leases the keys it lets through; `record` (one Lua call per batch, after the sink succeeded)
// stores ids, versions and the writer, releases leases and adds the run figures. Versions are
// keyed by (connection, entity, key), shared by every flow that writes the entity.

import type { Redis } from 'ioredis';
import { peekVerdictOf, type PeekVerdict } from './gate-peek.ts';
import { checkScript, recordScript } from './gate-scripts.ts';
import type { StateKeys } from './state-keys.ts';

export { stateKeysFor, type StateKeys } from './state-keys.ts';
export { assertRedisKeepsKeys } from './redis-policy.ts';

export type Verdict = 'apply' | 'duplicate' | 'stale' | 'busy';
const verdicts: Record<number, Verdict> = {
  0: 'apply',
  1: 'duplicate',
  2: 'stale',
  3: 'duplicate',
  4: 'busy',
};

export interface GateItem {
  key: string;
  eventId: string;
  version: number;
}

export interface AppliedItem extends GateItem {
  /** Where the write came from, for lineage: `topic/partition/offset`, a run id, a file row. */
  writer: string;
}

/** Counters added to the run figures (HINCRBY); see `RunFigures` in state-keys.ts. */
export type FigureIncrements = Partial<
  Record<
    | 'recordsIn'
    | 'applied'
    | 'skippedDuplicate'
    | 'skippedStale'
    | 'deadLettered'
    | 'ignored'
    | 'batches',
    number
  >
>;

export interface RecordInput {
  applied: readonly AppliedItem[];
  /** Keys whose write failed: their leases are released so the next attempt is not "busy". */
  released: readonly string[];
  /**
   * Versions the target refused for good, now dead-lettered: a redelivery of the same version is
   * dropped as a duplicate instead of being refused and dead-lettered once more.
   */
  refused?: readonly { key: string; version: number }[];
  figures: FigureIncrements;
  /** Heartbeat fields (HSET), e.g. `lastMessageTimestampMs`, `secondsBehind`. */
  heartbeat: Readonly<Record<string, string | number>>;
}

export interface GateOptions {
  keys: StateKeys;
  /** Who holds leases: the flow (`ns/name`), so a restarted pod of the same flow is not blocked. */
  leaseToken: string;
  /** How long a key stays leased if a writer dies between check and record. */
  leaseMs: number;
  /** How long an applied event id is remembered. */
  idTtlSeconds: number;
  /** `reapply` (a replay after a Commerce restore) writes again at equal versions and ignores seen ids, never going backwards. */
  mode: 'normal' | 'reapply';
  nowMs: () => number;
}

type GateRedis = Redis & {
  sfGateCheck(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  sfGateRecord(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

export class Gate {
  readonly #redis: GateRedis;
  readonly #options: GateOptions;

  constructor(redis: Redis, options: GateOptions) {
    redis.defineCommand('sfGateCheck', { lua: checkScript });
    redis.defineCommand('sfGateRecord', { lua: recordScript });
    this.#redis = redis as GateRedis;
    this.#options = options;
  }

  /** One verdict per item, in order. */
  async check(items: readonly GateItem[]): Promise<Verdict[]> {
    if (items.length === 0) return [];
    const { keys, leaseToken, leaseMs, mode } = this.#options;
    const keyList = [
      keys.versions,
      ...items.map((i) => keys.lease(i.key)),
      ...items.map((i) => keys.eventId(i.eventId)),
      keys.refused,
    ];
    const args: (string | number)[] = [
      leaseToken,
      leaseMs,
      mode === 'reapply' ? '1' : '0',
      items.length,
    ];
    for (const item of items) args.push(item.key, String(item.version));
    const codes = await this.#redis.sfGateCheck(keyList.length, ...keyList, ...args);
    return codes.map((code) => verdicts[code] ?? 'busy');
  }

  /**
   * What `check` would answer now, leases aside, read in one MULTI that takes no lease and writes
   * nothing: a run counts the records it would write before writing any (the change-ratio guard).
   */
  async peek(items: readonly GateItem[]): Promise<PeekVerdict[]> {
    if (items.length === 0) return [];
    const { keys, mode } = this.#options;
    const reapply = mode === 'reapply';
    const names = items.map((i) => i.key);
    const read = this.#redis.multi().hmget(keys.versions, ...names);
    if (!reapply)
      read.hmget(keys.refused, ...names).mget(...items.map((i) => keys.eventId(i.eventId)));
    const replies = (await read.exec()) ?? [];
    const [applied = [], refused = [], seen = []] = replies.map(([err, reply]) => {
      if (err) throw err;
      return reply as (string | null)[];
    });
    const numberOf = (v: string | null | undefined): number | undefined =>
      v === null || v === undefined ? undefined : Number(v);
    return items.map((item, i) =>
      peekVerdictOf(
        item.version,
        { seen: seen[i] != null, applied: numberOf(applied[i]), refused: numberOf(refused[i]) },
        reapply,
      ),
    );
  }

  async record(input: RecordInput): Promise<void> {
    const { keys, leaseToken, idTtlSeconds } = this.#options;
    const { applied, released } = input;
    const refused = input.refused ?? [];
    const keyList = [
      keys.versions,
      keys.writers,
      keys.heartbeat,
      ...applied.map((i) => keys.lease(i.key)),
      ...applied.map((i) => keys.eventId(i.eventId)),
      ...released.map((key) => keys.lease(key)),
      keys.refused,
    ];
    const heartbeat = Object.fromEntries(
      Object.entries({ ...input.heartbeat, atMs: this.#options.nowMs() }).map(([k, v]) => [
        k,
        String(v),
      ]),
    );
    const args: (string | number)[] = [
      leaseToken,
      idTtlSeconds,
      applied.length,
      released.length,
      JSON.stringify(input.figures),
      JSON.stringify(heartbeat),
      refused.length,
    ];
    const atMs = this.#options.nowMs();
    for (const item of applied) {
      args.push(
        item.key,
        String(item.version),
        JSON.stringify({ flow: keys.flow, writer: item.writer, eventId: item.eventId, atMs }),
      );
    }
    for (const item of refused) args.push(item.key, String(item.version));
    await this.#redis.sfGateRecord(keyList.length, ...keyList, ...args);
  }

  /** The last applied version of a key and its writer (lineage), or undefined. */
  async lastApplied(key: string): Promise<{ version: number; writer: unknown } | undefined> {
    const [version, writer] = await Promise.all([
      this.#redis.hget(this.#options.keys.versions, key),
      this.#redis.hget(this.#options.keys.writers, key),
    ]);
    if (version === null) return undefined;
    return {
      version: Number(version),
      writer: writer === null ? undefined : (JSON.parse(writer) as unknown),
    };
  }
}
