// The generic controller runtime (entry of controller/): a Manager runs Runnables — informers and
// HTTP servers at once, controllers only after this process won leader election — and shuts them
// down in order when its signal aborts: controllers first (draining in-flight reconciles), then
// informers and servers, then the lease is released, so there is never a second writer. Every step
// runs even if an earlier one fails; a Runnable that fails stops the whole Manager.
import type { Logger } from 'pino';
import { sleep, systemClock, type Clock } from '../clock.ts';
import { summarizeError } from '../kube/client.ts';
import type { LeaderElector } from './leader.ts';

export { Controller, type ControllerOptions } from './controller.ts';
export { Informer, type InformerOptions, type InformerStats } from './informer.ts';
export { LeaderElector, type LeaderElectorOptions, type LeaseApi } from './leader.ts';
export { OperatorMetrics } from './metrics.ts';
export { keyOf, type Change, type ChangeType } from './object-cache.ts';
export type {
  ReconcileContext,
  ReconcileRequest,
  ReconcileResult,
  Reconciler,
} from './reconcile.ts';
export {
  controllerOwnerKey,
  ownerKeys,
  primaryKeys,
  type GroupKind,
  type KeyMapper,
} from './watch.ts';

/** A long-running component: `run` resolves once it has stopped after `signal` aborted. */
export interface Runnable {
  readonly name: string;
  /** Start only while this process holds the lease. Default: false. */
  readonly needsLeaderElection?: boolean;
  run(signal: AbortSignal): Promise<void>;
}

export interface ManagerOptions {
  log: Logger;
  /** Leader election; without it every Runnable starts at once (single replica, tests). */
  leaderElector?: LeaderElector | undefined;
  /** Longest wait for one shutdown phase. Default: 30,000 ms. */
  shutdownGracePeriodMs?: number;
  clock?: Clock;
}

interface Phase {
  controller: AbortController;
  runs: Promise<void>[];
}

export class Manager {
  private readonly options: ManagerOptions;
  private readonly runnables: Runnable[] = [];
  private running: Promise<void> | undefined;

  constructor(options: ManagerOptions) {
    this.options = options;
  }

  add(...runnables: Runnable[]): this {
    if (this.running) throw new Error('runnables must be added before the manager runs');
    this.runnables.push(...runnables);
    return this;
  }

  /** Runs until `signal` aborts or a Runnable fails (then rejects with that failure). */
  run(signal: AbortSignal): Promise<void> {
    this.running ??= this.runOnce(signal);
    return this.running;
  }

  private async runOnce(signal: AbortSignal): Promise<void> {
    const { log, leaderElector } = this.options;
    const stop = new AbortController();
    const failures: unknown[] = [];
    const onFailure = (name: string, err: unknown): void => {
      if (stop.signal.aborted) return;
      log.error({ runnable: name, err: summarizeError(err) }, 'runnable failed; shutting down');
      failures.push(err);
      stop.abort();
    };
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    if (signal.aborted) stop.abort();

    const background = this.start(
      this.runnables.filter((r) => !r.needsLeaderElection),
      onFailure,
    );
    const election = leaderElector ? this.start([leaderElector], onFailure) : undefined;
    const leading = this.start([], onFailure);
    const leads = leaderElector
      ? await leaderElector.waitForLeadership(stop.signal)
      : !stop.signal.aborted;
    if (leads && !stop.signal.aborted) {
      leading.runs = this.runnables
        .filter((r) => r.needsLeaderElection)
        .map((r) =>
          r.run(leading.controller.signal).catch((err: unknown) => onFailure(r.name, err)),
        );
    }
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('shutting down');
    await this.stopPhase('controllers', leading);
    await this.stopPhase('informers and servers', background);
    if (election) await this.stopPhase('leader election', election);
    log.info('shut down');
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, 'several runnables failed');
  }

  private start(runnables: Runnable[], onFailure: (name: string, err: unknown) => void): Phase {
    const controller = new AbortController();
    const runs = runnables.map((r) =>
      r.run(controller.signal).catch((err: unknown) => onFailure(r.name, err)),
    );
    return { controller, runs };
  }

  /** Aborts one phase and waits for it, at most the grace period; never throws. */
  private async stopPhase(name: string, phase: Phase): Promise<void> {
    const graceMs = this.options.shutdownGracePeriodMs ?? 30_000;
    const clock = this.options.clock ?? systemClock;
    try {
      phase.controller.abort();
      const finished = await Promise.race([
        Promise.allSettled(phase.runs).then(() => true),
        sleep(clock, graceMs).then(() => false),
      ]);
      if (!finished) this.options.log.warn({ phase: name, graceMs }, 'shutdown phase timed out');
    } catch (err) {
      this.options.log.error({ phase: name, err: summarizeError(err) }, 'shutdown phase failed');
    }
  }
}
