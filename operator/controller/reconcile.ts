// The reconciler contract and the one place that turns its outcome into queue actions
// (controller-runtime `reconcileHandler`): success forgets the key's backoff; `requeueAfterMs`
// re-adds it after that delay; TerminalError is counted and not retried until the object changes;
// any other error re-adds the key with its exponential backoff. Each run gets a deadline, a
// reconcileId and a child logger bound to the object.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TerminalError } from '../errors.ts';
import { summarizeError } from '../kube/client.ts';
import type { OperatorMetrics, ReconcileOutcome } from './metrics.ts';
import type { WorkQueue } from './queue.ts';

export interface ReconcileRequest {
  /** `namespace/name`, or `name` for cluster-scoped objects. */
  key: string;
  namespace: string | undefined;
  name: string;
}

export interface ReconcileContext {
  /** Aborts at the reconcile deadline or when shutdown's grace period is over. */
  signal: AbortSignal;
  log: Logger;
  reconcileId: string;
}

export interface ReconcileResult {
  /** Reconcile this key again after this delay (time-based work), even if nothing changes. */
  requeueAfterMs?: number;
}

/** Level-triggered: reads current state by key; never told which event happened. */
export type Reconciler = (
  request: ReconcileRequest,
  context: ReconcileContext,
) => Promise<ReconcileResult | void>;

export function requestFor(key: string): ReconcileRequest {
  const slash = key.indexOf('/');
  return slash < 0
    ? { key, namespace: undefined, name: key }
    : { key, namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export interface HandlerDeps {
  controller: string;
  queue: WorkQueue;
  reconcile: Reconciler;
  log: Logger;
  metrics: OperatorMetrics;
  timeoutMs: number;
  /** Aborts in-flight reconciles when the shutdown grace period is over. */
  hardStop: AbortSignal;
  /** Log field naming the object, e.g. `syncflow` → `{ syncflow: 'ns/name' }`. */
  objectLogKey: string;
}

export async function reconcileKey(key: string, deps: HandlerDeps): Promise<void> {
  const { controller, queue, metrics } = deps;
  const reconcileId = randomUUID();
  const log = deps.log.child({ [deps.objectLogKey]: key, reconcileId });
  const endTimer = metrics.controller.reconcileTime.startTimer({ controller });
  metrics.controller.activeWorkers.inc({ controller });
  let outcome: ReconcileOutcome = 'success';
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(deps.timeoutMs), deps.hardStop]);
    const result = await deps.reconcile(requestFor(key), { signal, log, reconcileId });
    queue.forget(key);
    const requeueAfterMs = result?.requeueAfterMs ?? 0;
    if (requeueAfterMs > 0) {
      outcome = 'requeue_after';
      queue.addAfter(key, requeueAfterMs);
    }
    log.info({ result: outcome, requeueAfterMs }, 'reconciled');
  } catch (err) {
    outcome = 'error';
    metrics.controller.reconcileErrors.inc({ controller });
    if (err instanceof TerminalError) {
      metrics.controller.terminalErrors.inc({ controller });
      queue.forget(key);
      log.error(
        { err: summarizeError(err) },
        'reconcile failed; not retrying until the object changes',
      );
    } else {
      const retryInMs = queue.addRateLimited(key);
      log.warn({ err: summarizeError(err), retryInMs }, 'reconcile failed; retrying');
    }
  } finally {
    metrics.controller.reconcileTotal.inc({ controller, result: outcome });
    endTimer();
    metrics.controller.activeWorkers.dec({ controller });
    queue.done(key);
  }
}
