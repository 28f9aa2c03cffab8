// The idempotency gate against a real Redis: duplicates and stale versions are dropped, two
// flows sharing (connection, entity) cannot roll each other back, and an evicting Redis is refused.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Gate,
  assertRedisKeepsKeys,
  stateKeysFor,
  type GateOptions,
} from '../../runtime/gate/gate.ts';
import { FatalError } from '../../runtime/errors.ts';
import { startEnvironment } from '../env/start-environment.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/unique-name.ts';

const redis = new Redis(sharedEnvironment().redisUrl);
afterAll(() => redis.disconnect());

function gateFor(instanceId: string, name: string, overrides: Partial<GateOptions> = {}): Gate {
  const keys = stateKeysFor(
    { instanceId, namespace: 'ns', name },
    { connection: 'commerce', entity: 'sourceItem' },
  );
  return new Gate(redis, {
    keys,
    leaseToken: `ns/${name}`,
    leaseMs: 30_000,
    idTtlSeconds: 3600,
    mode: 'normal',
    nowMs: () => Date.now(),
    ...overrides,
  });
}

const applied = (key: string, eventId: string, version: number) => ({
  key,
  eventId,
  version,
  writer: `t/0/${version}`,
});
const nothing = { released: [], figures: {}, heartbeat: {} };

describe('gate', () => {
  it('drops applied event ids, stale and equal versions, and lets newer versions through', async () => {
    const gate = gateFor(uniqueName('i'), 'events');
    expect(await gate.check([{ key: 'A', eventId: 'e1', version: 5 }])).toEqual(['apply']);
    await gate.record({ ...nothing, applied: [applied('A', 'e1', 5)] });
    expect(
      await gate.check([
        { key: 'A', eventId: 'e1', version: 5 },
        { key: 'A', eventId: 'e2', version: 4 },
        { key: 'A', eventId: 'e3', version: 5 },
        { key: 'A', eventId: 'e4', version: 6 },
        { key: 'B', eventId: 'e5', version: 1 },
      ]),
    ).toEqual(['duplicate', 'stale', 'duplicate', 'apply', 'apply']);
  });

  it('shares versions across flows and keeps the writer for lineage', async () => {
    const instanceId = uniqueName('i');
    const events = gateFor(instanceId, 'events');
    const snapshot = gateFor(instanceId, 'snapshot');
    expect(await events.check([{ key: 'A', eventId: 'x', version: 10 }])).toEqual(['apply']);
    await events.record({ ...nothing, applied: [applied('A', 'x', 10)] });
    expect(await snapshot.check([{ key: 'A', eventId: 'y', version: 7 }])).toEqual(['stale']);
    expect(await snapshot.lastApplied('A')).toMatchObject({
      version: 10,
      writer: { flow: 'ns/events', writer: 't/0/10' },
    });
  });

  it('makes a second flow wait while the first holds the key between check and record', async () => {
    const instanceId = uniqueName('i');
    const events = gateFor(instanceId, 'events');
    const snapshot = gateFor(instanceId, 'snapshot');
    expect(await events.check([{ key: 'A', eventId: 'x', version: 10 }])).toEqual(['apply']);
    expect(await snapshot.check([{ key: 'A', eventId: 'y', version: 12 }])).toEqual(['busy']);
    // The event flow's sink failed: releasing lets the snapshot through.
    await events.record({ ...nothing, applied: [], released: ['A'] });
    expect(await snapshot.check([{ key: 'A', eventId: 'y', version: 12 }])).toEqual(['apply']);
  });

  it('never records a version backwards, even when a late writer records after a newer one', async () => {
    const gate = gateFor(uniqueName('i'), 'events');
    await gate.record({ ...nothing, applied: [applied('A', 'new', 9)] });
    await gate.record({ ...nothing, applied: [applied('A', 'old', 3)] });
    expect(await gate.lastApplied('A')).toMatchObject({ version: 9 });
  });

  it('in reapply mode writes again at equal versions and seen ids but never older ones', async () => {
    const instanceId = uniqueName('i');
    await gateFor(instanceId, 'events').record({ ...nothing, applied: [applied('A', 'e1', 5)] });
    const replay = gateFor(instanceId, 'events-replay', { mode: 'reapply' });
    expect(
      await replay.check([
        { key: 'A', eventId: 'e1', version: 5 },
        { key: 'B', eventId: 'e9', version: 1 },
      ]),
    ).toEqual(['apply', 'apply']);
    expect(await replay.check([{ key: 'A', eventId: 'e0', version: 4 }])).toEqual(['stale']);
  });

  it('judges and records batches larger than one bulk slice of its scripts item by item', async () => {
    const instanceId = uniqueName('i');
    const gate = gateFor(instanceId, 'events');
    const other = gateFor(instanceId, 'snapshot');
    const size = 2500;
    const keyOf = (i: number): string => `K${i}`;
    // Before: every key at version 10 except the last 100, whose leases the snapshot flow holds.
    await gate.record({
      ...nothing,
      applied: Array.from({ length: size - 100 }, (_, i) => applied(keyOf(i), `seed-${i}`, 10)),
    });
    expect(
      await other.check(
        Array.from({ length: 100 }, (_, i) => ({
          key: keyOf(size - 100 + i),
          eventId: `o-${i}`,
          version: 1,
        })),
      ),
    ).toEqual(Array.from({ length: 100 }, () => 'apply'));
    // i % 4: 0 newer, 1 older, 2 equal, 3 an already applied event id.
    const expected = (i: number): string =>
      i >= size - 100 ? 'busy' : (['apply', 'stale', 'duplicate', 'duplicate'][i % 4] ?? '');
    const items = Array.from({ length: size }, (_, i) => ({
      key: keyOf(i),
      eventId: i % 4 === 3 ? `seed-${i}` : `new-${i}`,
      version: [11, 9, 10, 12][i % 4] ?? 0,
    }));
    expect(await gate.check(items)).toEqual(items.map((_, i) => expected(i)));
    // Record the applied ones, one key twice with an older version last: it stays at the newest.
    const applies = items.filter((_, i) => expected(i) === 'apply');
    await gate.record({
      ...nothing,
      applied: [
        ...applies.map((i) => applied(i.key, i.eventId, i.version)),
        applied('K0', 'late', 2),
      ],
    });
    const versions = await redis.hgetall(`sf:${instanceId}:v:commerce:sourceItem`);
    expect(Object.keys(versions)).toHaveLength(size - 100);
    items.forEach((item, i) => {
      if (i < size - 100) expect(versions[item.key]).toBe(expected(i) === 'apply' ? '11' : '10');
    });
    // Leases of the applied keys are released; the snapshot flow's are untouched.
    const snapshotCheck = await other.check([
      { key: keyOf(0), eventId: 's-0', version: 20 },
      { key: keyOf(size - 1), eventId: 's-1', version: 20 },
    ]);
    expect(snapshotCheck).toEqual(['apply', 'apply']);
    expect(await gate.check([{ key: keyOf(4), eventId: 'again', version: 30 }])).toEqual(['apply']);
    expect(await gate.check([{ key: keyOf(0), eventId: 'x', version: 30 }])).toEqual(['busy']);
  });

  it('adds run figures and heartbeat fields to the flow hash', async () => {
    const instanceId = uniqueName('i');
    const gate = gateFor(instanceId, 'events');
    await gate.record({
      applied: [],
      released: [],
      figures: { recordsIn: 3, deadLettered: 1 },
      heartbeat: { secondsBehind: 1.5 },
    });
    await gate.record({ applied: [], released: [], figures: { recordsIn: 2 }, heartbeat: {} });
    const hash = await redis.hgetall(`sf:${instanceId}:ns/events:heartbeat`);
    expect(hash).toMatchObject({ recordsIn: '5', deadLettered: '1', secondsBehind: '1.5' });
    expect(Number(hash['atMs'])).toBeGreaterThan(0);
  });
});

describe('gate without event ids (batch runs)', () => {
  const rowAt = (key: string, line: number, version: number) => ({
    key,
    eventId: `file:x#row:${line}`,
    version,
    writer: `line:${line}`,
  });
  const batchGate = (instanceId: string, name: string, run: string): Gate =>
    gateFor(instanceId, name, { eventIds: false, run });

  it('drops a row applied before a restart as a duplicate, by its version alone', async () => {
    const instanceId = uniqueName('i');
    const asOfMs = 1_700_000_000_000;
    const first = batchGate(instanceId, 'stock', 'run-1');
    expect(await first.check([rowAt('A', 2, asOfMs), rowAt('B', 3, asOfMs)])).toEqual([
      'apply',
      'apply',
    ]);
    await first.record({ ...nothing, applied: [rowAt('A', 2, asOfMs), rowAt('B', 3, asOfMs)] });
    // The restarted Job (a new process, a new gate) reads the same rows again.
    const restarted = batchGate(instanceId, 'stock', 'run-1');
    expect(
      await restarted.check([rowAt('A', 2, asOfMs), rowAt('B', 3, asOfMs), rowAt('C', 4, asOfMs)]),
    ).toEqual(['duplicate', 'duplicate', 'apply']);
    // It keeps no event-id keys at all.
    expect(await redis.keys(`sf:${instanceId}:ns/stock:id:*`)).toEqual([]);
  });

  it('never goes backwards: an older export is stale, a late record keeps the newest', async () => {
    const instanceId = uniqueName('i');
    const gate = batchGate(instanceId, 'stock', 'run-2');
    await gate.record({ ...nothing, applied: [rowAt('A', 2, 2000)] });
    expect(await gate.check([rowAt('A', 2, 1000)])).toEqual(['stale']);
    await gate.record({ ...nothing, applied: [rowAt('A', 9, 1000)] });
    expect(await gate.lastApplied('A')).toMatchObject({
      version: 2000,
      writer: { flow: 'ns/stock', run: 'run-2', writer: 'line:2' },
    });
  });

  it('still leases each key it lets through against a second flow, until it records', async () => {
    const instanceId = uniqueName('i');
    const batch = batchGate(instanceId, 'stock', 'run-3');
    const events = gateFor(instanceId, 'events');
    expect(await batch.check([rowAt('A', 2, 1000), rowAt('B', 3, 1000)])).toEqual([
      'apply',
      'apply',
    ]);
    expect(
      await events.check([
        { key: 'A', eventId: 'e1', version: 2000 },
        { key: 'Z', eventId: 'e2', version: 2000 },
      ]),
    ).toEqual(['busy', 'apply']);
    await batch.record({ ...nothing, applied: [rowAt('A', 2, 1000)], released: ['B'] });
    expect(await events.check([{ key: 'A', eventId: 'e1', version: 2000 }])).toEqual(['apply']);
    expect(await batch.check([rowAt('Z', 5, 1000)])).toEqual(['busy']);
  });

  it('takes over a lease its holder let expire (a writer killed between check and record)', async () => {
    const instanceId = uniqueName('i');
    const killed = gateFor(instanceId, 'stock', { leaseMs: 1 });
    const other = gateFor(instanceId, 'events');
    expect(await killed.check([{ key: 'A', eventId: 'a', version: 1 }])).toEqual(['apply']);
    await eventually(async () =>
      expect(await other.check([{ key: 'A', eventId: 'b', version: 2 }])).toEqual(['apply']),
    );
    // The old holder's late record does not release the lease the other flow holds now.
    await killed.record({ ...nothing, applied: [applied('A', 'a', 1)] });
    expect(await killed.check([{ key: 'A', eventId: 'c', version: 3 }])).toEqual(['busy']);
  });
});

describe('Redis policy', () => {
  it('accepts noeviction with persistence and refuses an evicting policy', async () => {
    expect(await assertRedisKeepsKeys(redis)).toEqual({
      maxmemoryPolicy: 'noeviction',
      persistent: true,
    });
    const env = await startEnvironment({ redis: true });
    const own = new Redis(env.redisUrl ?? '');
    try {
      for (const policy of ['allkeys-lru', 'volatile-ttl']) {
        await own.config('SET', 'maxmemory-policy', policy);
        await expect(assertRedisKeepsKeys(own)).rejects.toBeInstanceOf(FatalError);
      }
      await own.config('SET', 'maxmemory-policy', 'noeviction');
      await own.config('SET', 'appendonly', 'no');
      expect(await assertRedisKeepsKeys(own)).toEqual({
        maxmemoryPolicy: 'noeviction',
        persistent: false,
      });
    } finally {
      own.disconnect();
      await env.stop();
    }
  });
});
