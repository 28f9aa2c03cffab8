// The gate's read-only look ahead against a real Redis: `peek` gives the verdicts `check` gives
// for the same items in the same stored state (applied ids, versions, refusals, reapply), and
// takes no lease and writes nothing — a key it looked at is still free for another writer.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Gate, stateKeysFor, type GateItem, type GateOptions } from '../../runtime/gate/gate.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';

const redis = new Redis(sharedEnvironment().redisUrl);
afterAll(() => redis.disconnect());

function gatesFor(instanceId: string, mode: GateOptions['mode']): { mine: Gate; other: Gate } {
  const keys = stateKeysFor(
    { instanceId, namespace: 'ns', name: 'peek' },
    { connection: 'commerce', entity: 'sourceItem' },
  );
  const options = { keys, leaseMs: 30_000, idTtlSeconds: 3600, mode, nowMs: () => Date.now() };
  return {
    mine: new Gate(redis, { ...options, leaseToken: 'ns/peek' }),
    other: new Gate(redis, { ...options, leaseToken: 'ns/other' }),
  };
}

/** A stored state with every case the check script tells apart. */
async function seed(gate: Gate): Promise<void> {
  const at = (key: string, eventId: string, version: number) => ({
    key,
    eventId,
    version,
    writer: `t/0/${version}`,
  });
  await gate.check([{ key: 'A', eventId: 'a1', version: 5 }]);
  await gate.record({
    applied: [at('A', 'a1', 5), at('B', 'b1', 7)],
    released: [],
    refused: [{ key: 'R', version: 9 }],
    figures: {},
    heartbeat: {},
  });
}

const items: GateItem[] = [
  { key: 'A', eventId: 'a1', version: 5 },
  { key: 'A', eventId: 'a2', version: 5 },
  { key: 'A', eventId: 'a3', version: 4 },
  { key: 'B', eventId: 'b2', version: 8 },
  { key: 'R', eventId: 'r1', version: 9 },
  { key: 'R', eventId: 'r2', version: 8 },
  { key: 'R', eventId: 'r3', version: 10 },
  { key: 'N', eventId: 'n1', version: 1 },
];

describe('gate peek', () => {
  it.each(['normal', 'reapply'] as const)(
    'answers as check does (%s) and leaves every key free',
    async (mode) => {
      const instanceId = uniqueName('i');
      await seed(gatesFor(instanceId, 'normal').mine);
      const { mine, other } = gatesFor(instanceId, mode);
      const peeked = await mine.peek(items);
      // One item per check: check leases what it lets through, so a second item of the same key
      // in one call would be "busy"; releasing the lease after each keeps the stored state.
      const checked = [];
      for (const item of items) {
        // Another writer is not kept out by the peek: it took no lease.
        const [verdict] = await other.check([item]);
        checked.push(verdict);
        await other.record({ applied: [], released: [item.key], figures: {}, heartbeat: {} });
      }
      expect(peeked).toEqual(checked);
      expect(peeked).toContain('apply');
      expect(new Set(peeked).size).toBeGreaterThan(mode === 'normal' ? 2 : 1);
    },
  );
});
