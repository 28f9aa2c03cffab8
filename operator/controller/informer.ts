// An informer: keeps a cache of one kind (optionally one namespace and a label selector, applied to
// both list and watch) by list + watch from the list's resourceVersion, with bookmarks. It never
// gives up: a watch the server ends is resumed, 410 Gone relists at once, any other failure (apiserver
// down, 429 from a fresh CRD's watch cache, RBAC) is retried with jittered exponential backoff, and
// a watchdog relists when the server proved nothing (no event, no bookmark) for `staleAfterMs`.
// One loop per informer, so starts are single-flight. Handlers only get changes; they must be cheap.
import type { Logger } from 'pino';
import { sleep, systemClock, type Clock, type Timer } from '../clock.ts';
import {
  ApiException,
  isGone,
  summarizeError,
  type KubeClient,
  type KubernetesObject,
  type ResourceType,
  type WatchEvent,
} from '../kube/client.ts';
import { backoffMs, type BackoffOptions } from './backoff.ts';
import { ObjectCache, keyOf, type Change } from './object-cache.ts';
import { WatchProgress } from './watch-progress.ts';
import { withoutBookkeeping, type CacheTransform } from './cache-transform.ts';

export interface InformerOptions {
  client: Pick<KubeClient, 'list' | 'watch'>;
  resource: ResourceType;
  /** Only this namespace; all namespaces when omitted. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  /** Retry delays after failures. Default: 500 ms doubling to 15,000 ms, jittered. */
  backoff?: BackoffOptions;
  /** No event and no bookmark for this long → relist. Default: 300,000 ms. */
  staleAfterMs?: number;
  /** Server-side duration of one watch request, drawn in this range. Default: [300, 600] s. */
  watchTimeoutSeconds?: readonly [number, number];
  /** Abort a watch that received no bytes for this long. Default: 120,000 ms (bookmarks ~1/min). */
  inactivityTimeoutMs?: number;
  /** What is kept of each object. Default: all but managedFields and last-applied. */
  transform?: CacheTransform<KubernetesObject>;
}

export interface InformerStats {
  lists: number;
  watches: number;
  bookmarks: number;
  failures: number;
  staleRelists: number;
}

type Handler<T extends KubernetesObject> = (change: Change<T>) => void;

export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly name: string;
  private readonly options: InformerOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly cache = new ObjectCache<T>();
  private readonly handlers: Handler<T>[] = [];
  private readonly progress: WatchProgress;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly counters: InformerStats = {
    lists: 0,
    watches: 0,
    bookmarks: 0,
    failures: 0,
    staleRelists: 0,
  };
  private synced = false;
  private running: Promise<void> | undefined;
  private currentWatch: AbortController | undefined;

  constructor(options: InformerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.progress = new WatchProgress(this.clock.now(), options.staleAfterMs ?? 300_000);
    const scope = options.namespace ? `${options.namespace}/` : '';
    this.name = `informer/${scope}${options.resource.plural}`;
  }

  /** Registers a change handler; call before `run`. Handlers must not throw or block. */
  on(handler: Handler<T>): void {
    this.handlers.push(handler);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return this.cache.list();
  }

  /** True once the first list has been stored; stays true through later outages. */
  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.synced || signal.aborted) return Promise.resolve(this.synced);
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve(this.synced), { once: true });
      this.syncWaiters.push(() => resolve(true));
    });
  }

  stats(): Readonly<InformerStats> {
    return { ...this.counters };
  }

  /** Runs until `signal` aborts; a second call returns the same run. */
  run(signal: AbortSignal): Promise<void> {
    this.running ??= this.loop(signal);
    return this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const watchdog = this.startWatchdog(signal);
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.progress.resourceVersion() === '') {
          await this.relist(signal);
          failures = 0;
        }
        // Only progress resets the backoff: a watch that fails at once must not retry in a loop.
        if ((await this.watchOnce(signal)) > 0) failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.progress.reset();
          continue;
        }
        failures++;
        this.counters.failures++;
        const delayMs = backoffMs(failures, this.backoff(), this.random);
        this.options.log.warn(
          { informer: this.name, err: summarizeError(err), delayMs, failures },
          'list/watch failed; retrying',
        );
        await sleep(this.clock, delayMs, signal);
      }
    }
    watchdog.cancel();
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const { client, resource, namespace, labelSelector } = this.options;
    const list = await client.list<T>(resource, { namespace, labelSelector, signal });
    this.counters.lists++;
    this.progress.listed(list.resourceVersion, this.clock.now());
    const transform = this.options.transform ?? withoutBookkeeping;
    const items = list.items.map((item) => transform(item) as T);
    for (const change of this.cache.replace(items)) this.emit(change);
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  /** One watch request; resolves with its event count when it ended normally or was cut by the watchdog. */
  private async watchOnce(signal: AbortSignal): Promise<number> {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.currentWatch = controller;
    const startedAt = this.clock.now();
    let events = 0;
    try {
      this.counters.watches++;
      await this.options.client.watch<T>(
        this.options.resource,
        {
          namespace: this.options.namespace,
          labelSelector: this.options.labelSelector,
          resourceVersion: this.progress.resourceVersion(),
          timeoutSeconds: this.watchTimeoutSeconds(),
          inactivityTimeoutMs: this.options.inactivityTimeoutMs ?? 120_000,
          signal: controller.signal,
        },
        (event) => {
          events++;
          this.onWatchEvent(event);
        },
      );
    } finally {
      signal.removeEventListener('abort', stop);
      this.currentWatch = undefined;
    }
    if (events === 0 && this.clock.now() - startedAt < 1000 && !controller.signal.aborted) {
      throw new Error(`watch ${this.options.resource.plural} closed at once`);
    }
    return events;
  }

  private onWatchEvent(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      throw new ApiException(status.code ?? 500, status.message ?? 'watch error', event.object, {});
    }
    this.progress.observed(event.type, event.object, this.clock.now());
    if (event.type === 'BOOKMARK') {
      this.counters.bookmarks++;
      return;
    }
    const transform = this.options.transform ?? withoutBookkeeping;
    const change = this.cache.apply(event.type, transform(event.object) as T);
    if (change) this.emit(change);
  }

  private emit(change: Change<T>): void {
    for (const handler of this.handlers) {
      try {
        handler(change);
      } catch (err) {
        this.options.log.error(
          { informer: this.name, err: summarizeError(err), object: keyOf(change.object) },
          'informer handler failed',
        );
      }
    }
  }

  private startWatchdog(signal: AbortSignal): Timer {
    const everyMs = Math.max(1000, Math.floor(this.progress.staleAfterMs / 5));
    let timer: Timer;
    const check = (): void => {
      if (signal.aborted) return;
      if (this.currentWatch && this.progress.isStale(this.clock.now())) {
        this.options.log.warn(
          { informer: this.name, staleAfterMs: this.progress.staleAfterMs },
          'watch silent for too long; relisting',
        );
        this.counters.staleRelists++;
        this.progress.reset();
        this.currentWatch.abort();
      }
      timer = this.clock.setTimer(check, everyMs);
    };
    timer = this.clock.setTimer(check, everyMs);
    return { cancel: () => timer.cancel() };
  }

  private backoff(): BackoffOptions {
    return this.options.backoff ?? { initialMs: 500, maxMs: 15_000 };
  }

  private watchTimeoutSeconds(): number {
    const [low, high] = this.options.watchTimeoutSeconds ?? [300, 600];
    return Math.round(low + (high - low) * this.random());
  }
}
