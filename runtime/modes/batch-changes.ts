// Blast radius of a batch run, judged before its first write: one pass over the export maps every
// row and compares a digest of its canonical record with the digest the last imported export
// left for the same key. Rows that differ (or are new) are the run's changes; the last export's
// entities are the base of `guards.maxChangeRatio`. This export's digests are staged under the
// run and replace the last export's only when the run succeeded, so a refused run leaves no trace.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { flowKeyPrefix, type FlowIdentity } from '../../crds/flow-state-keys.ts';
import { recordsFor, type FlowDefinition } from '../flow/flow.ts';
import type { Source } from '../sources/source.ts';

export interface SnapshotKeys {
  /** Hash: entity key → digest of the record the last imported export held. */
  kept: string;
  /** Hash: the same for the export of the run in progress. */
  staged: string;
}

/** A staged snapshot whose run never finished is dropped after a week. */
const stagedTtlSeconds = 7 * 24 * 3600;

export function snapshotKeysFor(flow: FlowIdentity, runId: string): SnapshotKeys {
  const prefix = flowKeyPrefix(flow);
  return { kept: `${prefix}:snapshot`, staged: `${prefix}:snapshot:${runId}` };
}

/** What a row sets, as a short digest: equal digests mean the row would change nothing. */
export function digestOf(record: unknown, deleted: boolean): string {
  return createHash('sha1')
    .update(deleted ? 'd' : 's')
    .update(JSON.stringify(record))
    .digest('base64url')
    .slice(0, 16);
}

export interface ChangeCount {
  /** Rows whose record is new or differs from the last imported export. */
  changes: number;
  /** Entities the last imported export held (0 on the first import: nothing to protect). */
  entities: number;
}

/** Reads the whole export once (its own Source) and stages its digests. */
export async function countChanges(
  redis: Redis,
  input: { keys: SnapshotKeys; source: Source; flow: FlowDefinition; signal: AbortSignal },
): Promise<ChangeCount> {
  const { keys, source, flow, signal } = input;
  const entities = await redis.hlen(keys.kept);
  await redis.del(keys.staged);
  let changes = 0;
  await source.run(async (batch) => {
    const { envelopes } = recordsFor(batch.messages, flow);
    if (envelopes.length === 0) return;
    const fields = envelopes.flatMap((e) => [e.key, digestOf(e.record, e.deleted)]);
    const previous =
      entities === 0 ? [] : await redis.hmget(keys.kept, ...envelopes.map((e) => e.key));
    envelopes.forEach((_, i) => {
      if (previous[i] !== fields[2 * i + 1]) changes += 1;
    });
    await redis
      .multi()
      .hset(keys.staged, ...fields)
      .expire(keys.staged, stagedTtlSeconds)
      .exec();
  }, signal);
  return { changes, entities };
}

/** After a successful run: its export becomes the base the next run is compared with. */
export async function keepSnapshot(redis: Redis, keys: SnapshotKeys): Promise<void> {
  if ((await redis.exists(keys.staged)) === 0) return;
  await redis.multi().rename(keys.staged, keys.kept).persist(keys.kept).exec();
}

/** After a refused run: nothing of it is kept. */
export async function dropSnapshot(redis: Redis, keys: SnapshotKeys): Promise<void> {
  await redis.del(keys.staged);
}
