// Refuses a Redis that may forget the gate's state: an evicting `maxmemory-policy` would drop
// versions and ids silently, turning "exactly once" into "whatever survived".

import type { Redis } from 'ioredis';
import { FatalError } from '../errors.ts';

function infoField(info: string, field: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

export interface RedisPolicyReport {
  maxmemoryPolicy: string;
  persistent: boolean;
}

/** Throws FatalError unless the policy is `noeviction`; reports whether persistence is on. */
export async function assertRedisKeepsKeys(redis: Redis): Promise<RedisPolicyReport> {
  const memory = await redis.info('memory');
  const policy = infoField(memory, 'maxmemory_policy') ?? 'unknown';
  if (policy !== 'noeviction') {
    throw new FatalError(
      `check Redis maxmemory-policy: ${policy} may evict the gate's versions and ids; only noeviction is allowed`,
    );
  }
  const persistence = await redis.info('persistence');
  const aof = infoField(persistence, 'aof_enabled') === '1';
  let rdb = false;
  try {
    const save = await redis.config('GET', 'save');
    rdb = (save[1] ?? '').trim() !== '';
  } catch {
    // CONFIG is often disabled on managed Redis; AOF status is all we can see then.
  }
  return { maxmemoryPolicy: policy, persistent: aof || rdb };
}
