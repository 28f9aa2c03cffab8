// Proves the local Redis is real and usable from ioredis: SET NX EX and a Lua script.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';

describe('Redis smoke test', () => {
  const redis = new Redis(sharedEnvironment().redisUrl);
  const prefix = uniqueName();

  afterAll(() => redis.disconnect());

  it('SET NX EX sets once and expires', async () => {
    const key = `${prefix}:dedup`;
    expect(await redis.set(key, 'a', 'EX', 60, 'NX')).toBe('OK');
    expect(await redis.set(key, 'b', 'EX', 60, 'NX')).toBeNull();
    expect(await redis.get(key)).toBe('a');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('runs a Lua script atomically', async () => {
    const script = `
      local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
      if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
      return 0`;
    const key = `${prefix}:version`;
    expect(await redis.eval(script, 1, key, '5')).toBe(1);
    expect(await redis.eval(script, 1, key, '3')).toBe(0);
    expect(await redis.get(key)).toBe('5');
  });

  it('runs without eviction, as the runtime requires', async () => {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    expect(policy).toBe('noeviction');
  });
});
