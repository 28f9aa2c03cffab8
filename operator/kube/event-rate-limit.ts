// Keeps Kubernetes Events from turning into a write loop: the same event about the same object is
// sent at most once per window, and each object has a small token bucket (client-go's spam
// filter: burst 25, one token back per 5 minutes). Pure: time is a parameter.
export interface EventRateLimitOptions {
  /** Identical events (object, type, reason, note) inside this window are dropped. Default: 10 min. */
  dedupWindowMs?: number;
  /** Events per object sent back to back before throttling. Default: 25. */
  burst?: number;
  /** Time for one token to come back. Default: 300,000 ms. */
  refillEveryMs?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class EventRateLimit {
  private readonly dedupWindowMs: number;
  private readonly burst: number;
  private readonly refillEveryMs: number;
  private readonly lastSent = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: EventRateLimitOptions = {}) {
    this.dedupWindowMs = options.dedupWindowMs ?? 600_000;
    this.burst = options.burst ?? 25;
    this.refillEveryMs = options.refillEveryMs ?? 300_000;
  }

  /** True when the event may be sent now; records it as sent. */
  allow(objectId: string, fingerprint: string, nowMs: number): boolean {
    this.prune(nowMs);
    const key = `${objectId}\u0000${fingerprint}`;
    const last = this.lastSent.get(key);
    if (last !== undefined && nowMs - last < this.dedupWindowMs) return false;
    const bucket = this.buckets.get(objectId) ?? { tokens: this.burst, updatedAt: nowMs };
    const refilled = Math.floor((nowMs - bucket.updatedAt) / this.refillEveryMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + refilled);
      bucket.updatedAt += refilled * this.refillEveryMs;
    }
    this.buckets.set(objectId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.lastSent.set(key, nowMs);
    return true;
  }

  private prune(nowMs: number): void {
    if (this.lastSent.size < 10_000) return;
    for (const [key, at] of this.lastSent)
      if (nowMs - at >= this.dedupWindowMs) this.lastSent.delete(key);
    for (const [id, bucket] of this.buckets) {
      if (nowMs - bucket.updatedAt >= this.refillEveryMs * this.burst) this.buckets.delete(id);
    }
  }
}
