// What the informer knows about its watch: the resourceVersion to resume from and when the server
// last proved the watch alive (an event or a bookmark). A watch that proved nothing for
// `staleAfterMs` is stale: the informer relists instead of trusting it. Pure.
import type { KubernetesObject } from '../kube/client.ts';

export type ProgressEvent = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export class WatchProgress {
  private lastActivityMs: number;
  private version = '';
  readonly staleAfterMs: number;

  constructor(nowMs: number, staleAfterMs: number) {
    this.lastActivityMs = nowMs;
    this.staleAfterMs = staleAfterMs;
  }

  /** A fresh list: resume from its version; the cache is known good now. */
  listed(resourceVersion: string, nowMs: number): void {
    this.version = resourceVersion;
    this.lastActivityMs = nowMs;
  }

  observed(_type: ProgressEvent, object: KubernetesObject, nowMs: number): void {
    const version = object.metadata?.resourceVersion;
    if (version) this.version = version;
    this.lastActivityMs = nowMs;
  }

  /** Forget the version: the next watch must start from a new list. */
  reset(): void {
    this.version = '';
  }

  resourceVersion(): string {
    return this.version;
  }

  isStale(nowMs: number): boolean {
    return nowMs - this.lastActivityMs >= this.staleAfterMs;
  }
}
