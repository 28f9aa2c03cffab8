import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { TerminalError } from '../errors.ts';
import { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { reconcileKey, requestFor, type Reconciler } from './reconcile.ts';

interface Run {
  clock: ManualClock;
  queue: WorkQueue;
  results: Record<string, number>;
  terminal: number | undefined;
}

async function runOnce(reconcile: Reconciler, failuresBefore = 0): Promise<Run> {
  const clock = new ManualClock();
  const queue = new WorkQueue({ clock, baseDelayMs: 10 });
  const metrics = new OperatorMetrics(new Registry());
  metrics.initController('test', 1);
  for (let i = 0; i < failuresBefore; i++) queue.addRateLimited('ns/a');
  clock.advance(1_000_000);
  queue.add('ns/a');
  const key = (await queue.get())!;
  await reconcileKey(key, {
    controller: 'test',
    queue,
    reconcile,
    log: pino({ level: 'silent' }),
    metrics,
    timeoutMs: 1000,
    hardStop: new AbortController().signal,
    objectLogKey: 'object',
  });
  const total = await metrics.controller.reconcileTotal.get();
  const results: Record<string, number> = {};
  for (const v of total.values) results[String(v.labels.result)] = v.value;
  const terminal = (await metrics.controller.terminalErrors.get()).values[0]?.value;
  return { clock, queue, results, terminal };
}

describe('reconcileKey', () => {
  it.each([
    {
      name: 'success',
      reconcile: () => Promise.resolve({}),
      result: 'success',
      requeues: 0,
      readyAfterMs: undefined,
    },
    {
      name: 'success without a value',
      reconcile: () => Promise.resolve(undefined),
      result: 'success',
      requeues: 0,
      readyAfterMs: undefined,
    },
    {
      name: 'requeueAfter',
      reconcile: () => Promise.resolve({ requeueAfterMs: 500 }),
      result: 'requeue_after',
      requeues: 0,
      readyAfterMs: 500,
    },
    {
      name: 'error',
      reconcile: () => Promise.reject(new Error('boom')),
      result: 'error',
      requeues: 3,
      readyAfterMs: 40,
    },
    {
      name: 'terminal error',
      reconcile: () => Promise.reject(new TerminalError('bad spec')),
      result: 'error',
      requeues: 0,
      readyAfterMs: undefined,
    },
  ])('$name → $result', async ({ reconcile, result, requeues, readyAfterMs }) => {
    const { clock, queue, results } = await runOnce(reconcile, 2);
    expect(results[result]).toBe(1);
    expect(queue.numRequeues('ns/a')).toBe(requeues);
    if (readyAfterMs === undefined) {
      clock.advance(10_000_000);
      expect(queue.len()).toBe(0);
    } else {
      clock.advance(readyAfterMs - 1);
      expect(queue.len()).toBe(0);
      clock.advance(1);
      expect(queue.len()).toBe(1);
    }
  });

  it('counts terminal errors apart from retried ones', async () => {
    expect((await runOnce(() => Promise.reject(new TerminalError('x')))).terminal).toBe(1);
    expect((await runOnce(() => Promise.reject(new Error('x')))).terminal).toBe(0);
  });

  it('gives the reconciler the key, a deadline signal and a reconcileId', async () => {
    let seen: unknown;
    await runOnce((request, ctx) => {
      seen = { request, aborted: ctx.signal.aborted, id: ctx.reconcileId.length };
      return Promise.resolve({});
    });
    expect(seen).toEqual({
      request: { key: 'ns/a', namespace: 'ns', name: 'a' },
      aborted: false,
      id: 36,
    });
  });

  it.each([
    { key: 'ns/a', expected: { key: 'ns/a', namespace: 'ns', name: 'a' } },
    {
      key: 'cluster-wide',
      expected: { key: 'cluster-wide', namespace: undefined, name: 'cluster-wide' },
    },
  ])('requestFor($key)', ({ key, expected }) => {
    expect(requestFor(key)).toEqual(expected);
  });
});
