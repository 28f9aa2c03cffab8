// Entry of runtime/sinks/budget/: a connection's concurrency budget (`concurrency.maxInFlight`)
// shared by every flow and pod through Redis. Each request holds a lease (a sorted-set member
// with a short expiry, renewed while the call runs, so a killed pod's slots come back within
// leaseMs); the limit shrinks when calls get slower than
// the target latency and grows back when they are fast (AIMD); and while the budget is
// contended, callers of a higher priority (orders and credit) are served before lower ones
// (pricing, catalog, customers), which wait.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { acquireScript, releaseScript, renewScript } from './budget-scripts.ts';

/** 0 is served first. */
export const priorities = { urgent: 0, normal: 1, bulk: 2 } as const;
export type Priority = (typeof priorities)[keyof typeof priorities];

/** Orders and credit before inventory and order status, before prices, catalog and customers. */
export function priorityOf(flow: string): Priority {
  if (flow === 'order' || flow === 'credit') return priorities.urgent;
  if (flow === 'inventory' || flow === 'orderStatus') return priorities.normal;
  return priorities.bulk;
}

export interface BudgetOptions {
  /** `sf:{instanceId}:budget:{connection}`: shared by every flow using the connection. */
  keyPrefix: string;
  maxInFlight: number;
  /** A lease not renewed for this long expires (a killed holder's slot comes back then). */
  leaseMs: number;
  /** Calls slower than this shrink the limit. */
  targetLatencyMs: number;
  /** How often a waiter asks again. Default: 20. */
  pollMs?: number;
}

export interface Lease {
  /** Gives the slot back and reports how long the call took. Never throws. */
  release(latencyMs: number): Promise<void>;
}

type BudgetRedis = Redis & {
  sfBudgetAcquire(numKeys: number, ...args: (string | number)[]): Promise<number>;
  sfBudgetRelease(numKeys: number, ...args: (string | number)[]): Promise<number>;
  sfBudgetRenew(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

export class ConcurrencyBudget {
  readonly #redis: BudgetRedis;
  readonly #options: BudgetOptions;

  constructor(redis: Redis, options: BudgetOptions) {
    redis.defineCommand('sfBudgetAcquire', { lua: acquireScript });
    redis.defineCommand('sfBudgetRelease', { lua: releaseScript });
    redis.defineCommand('sfBudgetRenew', { lua: renewScript });
    this.#redis = redis as BudgetRedis;
    this.#options = options;
  }

  /** Waits for a slot; rejects when Redis does (the caller's retry handles it) or on abort. */
  async acquire(priority: Priority, signal?: AbortSignal): Promise<Lease> {
    const { keyPrefix, leaseMs, maxInFlight } = this.#options;
    const id = randomUUID();
    const keys = [
      `${keyPrefix}:leases`,
      `${keyPrefix}:state`,
      ...Object.values(priorities).map((p) => `${keyPrefix}:waiting:${p}`),
    ];
    const pollMs = this.#options.pollMs ?? 20;
    for (;;) {
      signal?.throwIfAborted();
      const args = [id, priority, leaseMs, maxInFlight, Math.max(250, pollMs * 10)];
      if ((await this.#redis.sfBudgetAcquire(keys.length, ...keys, ...args)) === 1)
        return this.#leaseOf(id);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** The current limit (≤ maxInFlight), as the last release left it. */
  async limit(): Promise<number> {
    const raw = await this.#redis.hget(`${this.#options.keyPrefix}:state`, 'limit');
    return raw === null ? this.#options.maxInFlight : Number(raw);
  }

  #leaseOf(id: string): Lease {
    const { keyPrefix, leaseMs } = this.#options;
    // A renewal Redis does not take is dropped: the next one (or the release) follows soon.
    const timer = setInterval(
      () => {
        this.#redis.sfBudgetRenew(1, `${keyPrefix}:leases`, id, leaseMs).catch(() => undefined);
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return {
      release: (latencyMs) => {
        clearInterval(timer);
        return this.#release(id, latencyMs);
      },
    };
  }

  async #release(id: string, latencyMs: number): Promise<void> {
    const { keyPrefix, targetLatencyMs, maxInFlight } = this.#options;
    const keys = [`${keyPrefix}:leases`, `${keyPrefix}:state`];
    // A release Redis does not take is not retried: the lease expires after leaseMs by itself.
    await this.#redis
      .sfBudgetRelease(
        keys.length,
        ...keys,
        id,
        Math.round(latencyMs),
        targetLatencyMs,
        maxInFlight,
      )
      .catch(() => undefined);
  }
}
