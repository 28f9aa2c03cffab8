// A controller: one work queue, the informers that feed it keys, and N workers running the
// reconciler. It needs leadership; it starts workers only once every source's cache has synced,
// and on shutdown stops handing out keys, lets in-flight reconciles finish within the grace
// period, then aborts them.
import type { Logger } from 'pino';
import { sleep, systemClock, type Clock } from '../clock.ts';
import type { KubernetesObject } from '../kube/client.ts';
import type { Informer } from './informer.ts';
import type { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { reconcileKey, type Reconciler } from './reconcile.ts';
import type { KeyMapper } from './watch.ts';

export interface ControllerOptions {
  /** Metric label and log field `controller`, e.g. `syncflow`. */
  name: string;
  reconcile: Reconciler;
  log: Logger;
  metrics: OperatorMetrics;
  /** Default: 1 (controller-runtime's); one key is never reconciled twice at once anyway. */
  maxConcurrentReconciles?: number;
  /** Deadline of one reconcile. Default: 60,000 ms. */
  reconcileTimeoutMs?: number;
  /** How long in-flight reconciles may finish after shutdown starts. Default: 30,000 ms. */
  shutdownGracePeriodMs?: number;
  /** Give up starting when caches have not synced by then. Default: 120,000 ms. */
  cacheSyncTimeoutMs?: number;
  /** Retry backoff of a failing key. Default: 5 ms doubling to 1,000,000 ms. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  /** Log field naming the object. Default: the controller name. */
  objectLogKey?: string;
  clock?: Clock;
}

export class Controller {
  readonly name: string;
  readonly needsLeaderElection = true;
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly sources: Informer<never>[] = [];
  private running: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.name = `controller/${options.name}`;
    this.log = options.log.child({ controller: options.name });
    this.clock = options.clock ?? systemClock;
    const queueMetrics = options.metrics.queueMetricsFor(options.name, () =>
      this.queue.longestRunningMs(),
    );
    this.queue = new WorkQueue({
      clock: this.clock,
      metrics: queueMetrics,
      ...(options.backoff ?? {}),
    });
    options.metrics.initController(options.name, this.concurrency());
  }

  /** Feeds the queue from `informer` through `toKeys` (see primaryKeys / ownerKeys). */
  watches<T extends KubernetesObject>(informer: Informer<T>, toKeys: KeyMapper<T>): this {
    this.sources.push(informer as unknown as Informer<never>);
    informer.on((change) => {
      for (const key of toKeys(change)) this.queue.add(key);
    });
    return this;
  }

  /** How long the oldest in-flight reconcile has run; /healthz reads it. */
  longestRunningMs(): number {
    return this.queue.longestRunningMs();
  }

  run(signal: AbortSignal): Promise<void> {
    this.running ??= this.runOnce(signal);
    return this.running;
  }

  private async runOnce(signal: AbortSignal): Promise<void> {
    const log = this.log;
    if (!(await this.waitForCaches(signal))) return this.queue.shutdown();
    const hardStop = new AbortController();
    const workers = Array.from({ length: this.concurrency() }, () => this.work(hardStop.signal));
    log.info({ workers: workers.length }, 'controller started');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.queue.shutdown();
    const graceMs = this.options.shutdownGracePeriodMs ?? 30_000;
    const drained = await Promise.race([
      this.queue.idle().then(() => true),
      sleep(this.clock, graceMs).then(() => false),
    ]);
    if (!drained)
      log.warn({ graceMs }, 'reconciles still running after the grace period; aborting them');
    hardStop.abort();
    await Promise.all(workers);
    log.info('controller stopped');
  }

  private async waitForCaches(signal: AbortSignal): Promise<boolean> {
    const timeoutMs = this.options.cacheSyncTimeoutMs ?? 120_000;
    const wait = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const synced = await Promise.all(this.sources.map((s) => s.waitForSync(wait)));
    if (signal.aborted) return false;
    if (synced.every(Boolean)) return true;
    throw new Error(`${this.name}: caches not synced within ${timeoutMs} ms`);
  }

  private async work(hardStop: AbortSignal): Promise<void> {
    const { options } = this;
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await reconcileKey(key, {
        controller: options.name,
        queue: this.queue,
        reconcile: options.reconcile,
        log: this.log,
        metrics: options.metrics,
        timeoutMs: options.reconcileTimeoutMs ?? 60_000,
        hardStop,
        objectLogKey: options.objectLogKey ?? options.name,
      });
    }
  }

  private concurrency(): number {
    return Math.max(1, this.options.maxConcurrentReconciles ?? 1);
  }
}
