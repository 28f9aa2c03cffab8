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
  /**
   * Whether applied event ids are remembered and checked. Off where the source's versions already
   * make them redundant: every row of a batch export carries the export's as-of time, so a row
   * applied before shows as an equal version (a duplicate) with or without its id. Default: true.
   */
  eventIds?: boolean;
  /** The run this gate records for (a batch run id), kept in the lineage of each write. */
  run?: string;
  /** `reapply` (a replay after a Commerce restore) writes again at equal versions and ignores seen ids, never going backwards. */
  mode: 'normal' | 'reapply';
  nowMs: () => number;
}

/** Lineage of a key's last applied write, as `lastApplied` returns it. */
export interface Lineage {
  flow: string;
  atMs: number;
  run?: string;
  /** Where the write came from: `topic/partition/offset`, `line:N`, `key@modifiedMs`. */
  writer: string;
  eventId?: string;
}

type GateRedis = Redis & {
  sfGateCheck(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  sfGateRecord(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** A writers-hash value: `flow⇥atMs⇥run⇥writer[⇥eventId]`, or the JSON of older releases. */
export function lineageOf(value: string): Lineage | Record<string, unknown> {
  if (value.startsWith('{')) return JSON.parse(value) as Record<string, unknown>;
  const [flow = '', atMs = '', run = '', writer = '', ...rest] = value.split('\t');
  return {
    flow,
    atMs: Number(atMs),
    writer,
    ...(run === '' ? {} : { run }),
    ...(rest.length === 0 ? {} : { eventId: rest.join('\t') }),
  };
}

export class Gate {
  readonly #redis: GateRedis;
  readonly #options: GateOptions;
  readonly #eventIds: boolean;

  constructor(redis: Redis, options: GateOptions) {
    redis.defineCommand('sfGateCheck', { lua: checkScript });
    redis.defineCommand('sfGateRecord', { lua: recordScript });
    this.#redis = redis as GateRedis;
    this.#options = options;
    this.#eventIds = options.eventIds ?? true;
  }

  /** One verdict per item, in order. */
  async check(items: readonly GateItem[]): Promise<Verdict[]> {
    if (items.length === 0) return [];
    const { keys, leaseToken, leaseMs, mode } = this.#options;
    const ids = this.#eventIds && mode !== 'reapply';
    const keyList = [keys.versions, keys.leases, keys.refused];
    if (ids) for (const item of items) keyList.push(keys.eventId(item.eventId));
    const args: (string | number)[] = [
      ...keyList,
      leaseToken,
      leaseMs,
      mode === 'reapply' ? '1' : '0',
      items.length,
      ids ? '1' : '0',
    ];
    for (const item of items) args.push(item.key, String(item.version));
    const codes = await this.#redis.sfGateCheck(keyList.length, ...args);
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
    if (!reapply) read.hmget(keys.refused, ...names);
    if (!reapply && this.#eventIds) read.mget(...items.map((i) => keys.eventId(i.eventId)));
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
    const { keys, leaseToken, idTtlSeconds, run } = this.#options;
    const { applied, released } = input;
    const refused = input.refused ?? [];
    const ids = this.#eventIds;
    const keyList = [keys.versions, keys.writers, keys.heartbeat, keys.leases, keys.refused];
    if (ids) for (const item of applied) keyList.push(keys.eventId(item.eventId));
    const heartbeat = Object.fromEntries(
      Object.entries({ ...input.heartbeat, atMs: this.#options.nowMs() }).map(([k, v]) => [
        k,
        String(v),
      ]),
    );
    const atMs = this.#options.nowMs();
    const args: (string | number)[] = [
      ...keyList,
      leaseToken,
      idTtlSeconds,
      applied.length,
      released.length,
      JSON.stringify(input.figures),
      JSON.stringify(heartbeat),
      refused.length,
      ids ? '1' : '0',
      `${keys.flow}\t${atMs}\t${run ?? ''}\t`,
    ];
    for (const item of applied)
      args.push(
        item.key,
        String(item.version),
        ids ? `${item.writer}\t${item.eventId}` : item.writer,
      );
    for (const key of released) args.push(key);
    for (const item of refused) args.push(item.key, String(item.version));
    await this.#redis.sfGateRecord(keyList.length, ...args);
  }

  /** The last applied version of a key and its writer (lineage), or undefined. */
  async lastApplied(key: string): Promise<{ version: number; writer: unknown } | undefined> {
    const [version, writer] = await Promise.all([
      this.#redis.hget(this.#options.keys.versions, key),
      this.#redis.hget(this.#options.keys.writers, key),
    ]);
    if (version === null) return undefined;
    return { version: Number(version), writer: writer === null ? undefined : lineageOf(writer) };
  }
}
