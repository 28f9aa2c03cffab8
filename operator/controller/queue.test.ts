import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { WorkQueue, type QueueMetrics } from './queue.ts';

function recordingMetrics(): QueueMetrics & { log: Record<string, number[]> } {
  const log: Record<string, number[]> = {
    depth: [],
    added: [],
    queued: [],
    worked: [],
    retried: [],
  };
  return {
    log,
    depth: (n) => log.depth!.push(n),
    added: () => log.added!.push(1),
    queued: (ms) => log.queued!.push(ms),
    worked: (ms) => log.worked!.push(ms),
    retried: () => log.retried!.push(1),
  };
}

/** Takes every ready key without blocking (get() on an empty queue would wait). */
async function drainReady(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) keys.push((await queue.get())!);
  return keys;
}

describe('WorkQueue', () => {
  it.each([
    { adds: ['a', 'a', 'a'], expected: ['a'] },
    { adds: ['a', 'b', 'a', 'c', 'b'], expected: ['a', 'b', 'c'] },
    { adds: [], expected: [] },
  ])('hands out each waiting key once, in first-add order: $adds', async ({ adds, expected }) => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    for (const key of adds) queue.add(key);
    expect(await drainReady(queue)).toEqual(expected);
  });

  it('never hands a key to two workers; adds during processing re-queue it once after done', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    queue.done(first!);
    expect(await drainReady(queue)).toEqual(['a']);
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('does not re-queue a processed key that was not added again', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    queue.add('a');
    queue.done((await queue.get())!);
    expect(queue.len()).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const waiting = queue.get();
    queue.add('a');
    expect(await waiting).toBe('a');
  });

  it.each([
    { name: 'earlier second add wins', delays: [100, 40], readyAfter: 40 },
    { name: 'later second add is ignored', delays: [40, 100], readyAfter: 40 },
    { name: 'a single delayed add', delays: [75], readyAfter: 75 },
    { name: 'zero delay is an immediate add', delays: [0], readyAfter: 0 },
  ])('delayed adds: $name', async ({ delays, readyAfter }) => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    for (const ms of delays) queue.addAfter('a', ms);
    if (readyAfter > 0) {
      clock.advance(readyAfter - 1);
      expect(queue.len()).toBe(0);
      clock.advance(1);
    }
    expect(await drainReady(queue)).toEqual(['a']);
    clock.advance(1_000);
    expect(queue.len()).toBe(0);
  });

  it('releases several delayed keys in due order', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('late', 300);
    queue.addAfter('early', 100);
    queue.addAfter('middle', 200);
    clock.advance(150);
    expect(await drainReady(queue)).toEqual(['early']);
    clock.advance(200);
    expect(await drainReady(queue)).toEqual(['middle', 'late']);
  });

  it('a delayed key that is already waiting is not queued twice', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.add('a');
    queue.addAfter('a', 10);
    clock.advance(10);
    expect(await drainReady(queue)).toEqual(['a']);
  });

  it('backs off per key, doubling from the base up to the cap, and forget resets it', () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, baseDelayMs: 5, maxDelayMs: 100 });
    const delays = Array.from({ length: 7 }, () => queue.addRateLimited('a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(queue.addRateLimited('b')).toBe(5);
    expect(queue.numRequeues('a')).toBe(7);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(5);
  });

  it('a rate-limited key becomes ready after its backoff', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, baseDelayMs: 5 });
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    clock.advance(4);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(await drainReady(queue)).toEqual(['a']);
  });

  it('shutdown wakes waiters, drops new work and lets in-flight keys finish', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.add('a');
    const inFlight = await queue.get();
    const waiting = queue.get();
    queue.addAfter('later', 10);
    queue.shutdown();
    expect(await waiting).toBeUndefined();
    expect(await queue.get()).toBeUndefined();
    queue.add('b');
    clock.advance(100);
    expect(queue.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    let idle = false;
    const idlePromise = queue.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    queue.add(inFlight!);
    queue.done(inFlight!);
    await idlePromise;
    expect(queue.len()).toBe(0);
    queue.shutdown();
  });

  it('reports depth, adds, retries, time in queue and time in work', async () => {
    const clock = new ManualClock();
    const metrics = recordingMetrics();
    const queue = new WorkQueue({ clock, metrics });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    clock.advance(30);
    const a = await queue.get();
    clock.advance(12);
    queue.done(a!);
    queue.addRateLimited('a');
    expect(metrics.log.added).toHaveLength(2);
    expect(metrics.log.depth!.at(-1)).toBe(1);
    expect(metrics.log.queued).toEqual([30]);
    expect(metrics.log.worked).toEqual([12]);
    expect(metrics.log.retried).toHaveLength(1);
  });

  it('tracks the longest-running key', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.add('a');
    queue.add('b');
    const a = await queue.get();
    clock.advance(50);
    await queue.get();
    clock.advance(20);
    expect(queue.longestRunningMs()).toBe(70);
    queue.done(a!);
    expect(queue.longestRunningMs()).toBe(20);
  });
});
