// Lease leader election (coordination.k8s.io/v1), client-go's algorithm: try to acquire every
// retryPeriod (jittered); once leading, renew every retryPeriod, and if no renewal succeeds within
// renewDeadline, leadership is lost: `onLost` is called (the composition root exits the process —
// reconciling on without the lease risks two writers). Writes are optimistic (replace with the
// resourceVersion we read); times are V1MicroTime (a Date serialises with ms and is rejected).
// On a graceful stop the leader releases the lease so a successor takes over at once.
import {
  Observable,
  V1MicroTime,
  type ConfigurationOptions,
  type CoordinationV1Api,
  type ObservableMiddleware,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { sleep, systemClock, type Clock } from '../clock.ts';
import { isConflict, isNotFound, summarizeError } from '../kube/client.ts';
import {
  decide,
  nextRecord,
  observe,
  releasedRecord,
  type LeaseRecord,
  type Observation,
} from './lease-record.ts';
import type { OperatorMetrics } from './metrics.ts';

export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

export interface LeaderElectorOptions {
  leases: LeaseApi;
  namespace: string;
  name: string;
  /** Unique per process: pod name plus a random suffix. */
  identity: string;
  /** Default: 15,000 ms. */
  leaseDurationMs?: number;
  /** Default: 10,000 ms. */
  renewDeadlineMs?: number;
  /** Default: 2,000 ms. */
  retryPeriodMs?: number;
  /** Release the lease when `run`'s signal aborts. Default: true. */
  releaseOnCancel?: boolean;
  /** Called once when leadership is lost; the composition root exits the process. */
  onLost: () => void;
  log: Logger;
  metrics?: OperatorMetrics;
  clock?: Clock;
  random?: () => number;
}

function timeString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

function recordOf(spec: V1LeaseSpec | undefined): LeaseRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    leaseTransitions: spec?.leaseTransitions ?? 0,
    acquireTime: timeString(spec?.acquireTime),
    renewTime: timeString(spec?.renewTime),
  };
}

function specOf(record: LeaseRecord): V1LeaseSpec {
  const micro = (t: string | undefined): V1MicroTime | undefined =>
    t ? new V1MicroTime(t) : undefined;
  const acquireTime = micro(record.acquireTime);
  const renewTime = micro(record.renewTime);
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
    ...(acquireTime ? { acquireTime } : {}),
    ...(renewTime ? { renewTime } : {}),
  };
}

export class LeaderElector {
  readonly name = 'leader-election';
  private readonly options: LeaderElectorOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observation: Observation | undefined;
  private lease: V1Lease | undefined;
  private leading = false;
  private leadWaiters: (() => void)[] = [];

  constructor(options: LeaderElectorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(
      this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > 1.2 * this.retryPeriodMs
    )) {
      throw new Error('leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod');
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Resolves true once this process leads, false if `signal` aborts first. */
  waitForLeadership(signal: AbortSignal): Promise<boolean> {
    if (this.leading || signal.aborted) return Promise.resolve(this.leading);
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve(this.leading), { once: true });
      this.leadWaiters.push(() => resolve(true));
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.setLeading(false);
    const log = this.options.log.child({ lease: `${this.options.namespace}/${this.options.name}` });
    log.info({ identity: this.options.identity }, 'waiting for leadership');
    while (!signal.aborted && !(await this.tryAcquireOrRenew(log))) {
      await sleep(this.clock, this.retryPeriodMs * (1 + 0.2 * this.random()), signal);
    }
    if (signal.aborted) return;
    this.setLeading(true);
    log.info({ identity: this.options.identity }, 'became leader');
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted || (await this.renewWithinDeadline(log, signal))) continue;
      if (signal.aborted) break;
      this.setLeading(false);
      log.error({ renewDeadlineMs: this.renewDeadlineMs }, 'leader election lost');
      this.options.onLost();
      return;
    }
    if (this.options.releaseOnCancel ?? true) await this.release(log);
    this.setLeading(false);
  }

  private async renewWithinDeadline(log: Logger, signal: AbortSignal): Promise<boolean> {
    const startedAt = this.clock.now();
    for (;;) {
      if (await this.tryAcquireOrRenew(log)) return true;
      if (
        signal.aborted ||
        this.clock.now() - startedAt + this.retryPeriodMs > this.renewDeadlineMs
      ) {
        return false;
      }
      await sleep(this.clock, this.retryPeriodMs, signal);
    }
  }

  private async tryAcquireOrRenew(log: Logger): Promise<boolean> {
    const { leases, namespace, name, identity } = this.options;
    const now = new V1MicroTime(this.clock.now()).toISOString();
    const durationSeconds = Math.round(this.leaseDurationMs / 1000);
    try {
      const current = await this.readLease();
      if (!current) {
        const record = nextRecord(undefined, {
          decision: 'acquire',
          identity,
          leaseDurationSeconds: durationSeconds,
          now,
        });
        this.lease = await leases.createNamespacedLease(
          { namespace, body: { metadata: { name, namespace }, spec: specOf(record) } },
          this.callOptions(),
        );
        this.observation = observe(undefined, record, this.clock.now());
        return true;
      }
      this.observation = observe(this.observation, recordOf(current.spec), this.clock.now());
      const decision = decide(this.observation, identity, this.clock.now());
      if (decision === 'wait') return false;
      const record = nextRecord(this.observation.record, {
        decision,
        identity,
        leaseDurationSeconds: durationSeconds,
        now,
      });
      this.lease = await leases.replaceNamespacedLease(
        { name, namespace, body: { metadata: current.metadata ?? {}, spec: specOf(record) } },
        this.callOptions(),
      );
      this.observation = observe(this.observation, record, this.clock.now());
      return true;
    } catch (err) {
      if (!isConflict(err)) log.warn({ err: summarizeError(err) }, 'lease update failed');
      return false;
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    const { leases, namespace, name } = this.options;
    try {
      return await leases.readNamespacedLease({ name, namespace }, this.callOptions());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async release(log: Logger): Promise<void> {
    const lease = this.lease;
    if (!this.leading || !lease?.metadata) return;
    const { leases, namespace, name } = this.options;
    const now = new V1MicroTime(this.clock.now()).toISOString();
    try {
      await leases.replaceNamespacedLease(
        {
          name,
          namespace,
          body: {
            metadata: lease.metadata,
            spec: specOf(releasedRecord(recordOf(lease.spec), now)),
          },
        },
        this.callOptions(),
      );
      log.info('lease released');
    } catch (err) {
      log.warn(
        { err: summarizeError(err) },
        'lease not released; successors wait for it to expire',
      );
    }
  }

  private callOptions(): ConfigurationOptions {
    return {
      middleware: [timeoutMiddleware(this.retryPeriodMs * 2)],
      middlewareMergeStrategy: 'append',
    };
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.metrics?.controller.leaderStatus.set({ name: this.options.name }, leading ? 1 : 0);
    if (leading) for (const resolve of this.leadWaiters.splice(0)) resolve();
  }
}

/** Each lease call must end well inside the renew deadline: a per-call request timeout. */
function timeoutMiddleware(timeoutMs: number): ObservableMiddleware {
  return {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
}
