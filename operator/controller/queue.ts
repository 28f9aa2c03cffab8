// The work queue of a controller, with client-go semantics: a key waits at most once (dedup); a key
// being processed is never handed to a second worker, and adds during processing re-queue it once
// after `done` (dirty); delayed adds keep the earliest ready time; failures back off per key
// (base doubling up to a cap) until `forget`. Time comes from an injected clock.
import { systemClock, type Clock, type Timer } from '../clock.ts';

/** What the queue reports; the Prometheus side lives in metrics.ts. */
export interface QueueMetrics {
  depth(ready: number): void;
  added(): void;
  /** Time between the add that made the key wait and the worker taking it. */
  queued(latencyMs: number): void;
  /** Time between the worker taking the key and `done`. */
  worked(durationMs: number): void;
  retried(): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  /** First retry delay after a failure; doubles per consecutive failure. Default: 5 ms. */
  baseDelayMs?: number;
  /** Cap of the per-key retry delay. Default: 1,000,000 ms (client-go's 1000 s). */
  maxDelayMs?: number;
  metrics?: QueueMetrics;
}

const noMetrics: QueueMetrics = {
  depth: () => undefined,
  added: () => undefined,
  queued: () => undefined,
  worked: () => undefined,
  retried: () => undefined,
};

export class WorkQueue {
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly metrics: QueueMetrics;
  private readonly ready: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly processing = new Map<string, number>();
  private readonly delayed = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private delayTimer: { at: number; timer: Timer } | undefined;
  private waiters: ((key: string | undefined) => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.metrics = options.metrics ?? noMetrics;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.added();
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` after `delayMs`; if it is already waiting for an earlier time, that one wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    this.metrics.retried();
    if (delayMs <= 0) return this.add(key);
    const readyAt = this.clock.now() + delayMs;
    const current = this.delayed.get(key);
    if (current !== undefined && current <= readyAt) return;
    this.delayed.set(key, readyAt);
    this.scheduleDelayed();
  }

  /** Re-adds a failed key after its backoff; returns the delay chosen. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delayMs = Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Resets the backoff of `key`; call it when the key was processed successfully. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Next key to process, or undefined once the queue is shutting down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.ready.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.metrics.worked(this.clock.now() - startedAt);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
    if (this.processing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Keys ready to be processed (not counting delayed or in-flight ones). */
  len(): number {
    return this.ready.length;
  }

  /** How long the oldest in-flight key has been processed, 0 when idle. */
  longestRunningMs(): number {
    const now = this.clock.now();
    let longest = 0;
    for (const startedAt of this.processing.values()) longest = Math.max(longest, now - startedAt);
    return longest;
  }

  /** Stops handing out keys and wakes every waiting worker; in-flight keys may still call done. */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.delayTimer?.timer.cancel();
    this.delayTimer = undefined;
    this.delayed.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Resolves when no key is being processed. */
  idle(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.ready.push(key);
    this.metrics.depth(this.ready.length);
  }

  private take(key: string): string {
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    this.metrics.queued(now - (this.addedAt.get(key) ?? now));
    this.addedAt.delete(key);
    this.metrics.depth(this.ready.length);
    return key;
  }

  private scheduleDelayed(): void {
    let earliest = Infinity;
    for (const at of this.delayed.values()) earliest = Math.min(earliest, at);
    if (earliest === Infinity || (this.delayTimer && this.delayTimer.at <= earliest)) return;
    this.delayTimer?.timer.cancel();
    const timer = this.clock.setTimer(() => this.fireDelayed(), earliest - this.clock.now());
    this.delayTimer = { at: earliest, timer };
  }

  private fireDelayed(): void {
    this.delayTimer = undefined;
    const now = this.clock.now();
    for (const [key, at] of this.delayed) {
      if (at > now) continue;
      this.delayed.delete(key);
      this.add(key);
    }
    this.scheduleDelayed();
  }
}
