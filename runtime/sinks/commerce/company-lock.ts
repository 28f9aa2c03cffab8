// Commerce's `PUT /V1/company/{id}` replaces the whole company, so a writer reads it, changes its
// own fields and writes it back. Two flows do that to one company — customer-company writes its
// names and address, credit writes the status of a hold — and without exclusion one's PUT
// carries the other's stale fields and undoes its write (a lost credit hold lets a blocked buyer
// order). A short Redis lock per company, shared by every flow of the installation that writes
// through the same connection, makes each read-modify-write whole.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RetryableError } from '../../errors.ts';

// Released only by its holder: a lock that outlived its lease and was taken over stays taken.
const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface CompanyLockOptions {
  /** `sf:{instanceId}:locks:{connection}`. */
  keyPrefix: string;
  /** How long a holder that died keeps the company locked. */
  leaseMs?: number;
  /** How long a writer waits for the lock before its attempt fails (and is retried). */
  waitMs?: number;
}

export class CompanyLock {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #leaseMs: number;
  readonly #waitMs: number;

  constructor(redis: Redis, options: CompanyLockOptions) {
    this.#redis = redis;
    this.#keyPrefix = options.keyPrefix;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 30_000;
  }

  /** Runs `work` (a read and a write of the company) while no other writer of it runs. */
  async around<T>(companyId: number, work: () => Promise<T>): Promise<T> {
    const key = `${this.#keyPrefix}:company:${companyId}`;
    const token = randomUUID();
    const deadline = Date.now() + this.#waitMs;
    for (let pauseMs = 20; ; pauseMs = Math.min(pauseMs * 2, 500)) {
      if ((await this.#redis.set(key, token, 'PX', this.#leaseMs, 'NX')) === 'OK') break;
      if (Date.now() > deadline)
        throw new RetryableError(
          `company ${companyId} stayed locked by another writer for ${this.#waitMs} ms`,
          { retryAfterMs: 1000 },
        );
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    try {
      return await work();
    } finally {
      await this.#redis.eval(releaseScript, 1, key, token).catch(() => undefined);
    }
  }
}
