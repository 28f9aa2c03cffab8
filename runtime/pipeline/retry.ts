// The runner's retry policy, and the one place where the runtime's error classes are told
// apart: FatalError stops the process, PoisonRecordError is the caller's to dead-letter,
// RetryableError waits the server's pause, everything else backs off exponentially.
import type { Logger } from 'pino';
import { FatalError, PoisonRecordError, RetryableError } from '../errors.ts';
import type { Attempt } from '../sinks/sink.ts';

export interface RetryPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface RetryContext {
  policy: RetryPolicy;
  log: Logger;
  signal: AbortSignal;
  /** Called while waiting, so the source keeps its session (Kafka heartbeat). */
  keepAlive: () => Promise<void>;
}

export class ShutdownError extends Error {
  constructor(what: string, options: { cause: unknown }) {
    super(`${what}: given up on shutdown`, options);
    this.name = 'ShutdownError';
  }
}

/**
 * Kafka took the batch's partitions away (a rebalance, or this member's session expired while the
 * machine was busy): no retry of the commit or heartbeat can succeed until the consumer rejoins,
 * which kafkajs does when the error reaches it. The partition's next owner reads the batch again
 * and the gate drops what was already applied.
 */
const membershipLost = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'FENCED_INSTANCE_ID',
]);

export function isMembershipLost(err: unknown): boolean {
  const type =
    typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  return typeof type === 'string' && membershipLost.has(type);
}

/** Whether an error ends the process (true) or is handled by a retry. */
export function isFatal(err: unknown): boolean {
  return err instanceof FatalError || err instanceof ShutdownError;
}

function waitMsFor(err: unknown, attempt: number, policy: RetryPolicy): number {
  if (err instanceof RetryableError) return err.retryAfterMs;
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** attempt);
}

async function pause(ms: number, context: RetryContext): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !context.signal.aborted) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    await context.keepAlive().catch(() => undefined);
  }
}

/**
 * Runs `work` until it succeeds, a FatalError or PoisonRecordError escapes, the consumer lost
 * its partitions, or shutdown.
 */
export function attemptFor(context: RetryContext): Attempt {
  return async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (err instanceof FatalError || err instanceof PoisonRecordError || isMembershipLost(err))
          throw err;
        if (context.signal.aborted) throw new ShutdownError(what, { cause: err });
        const waitMs = waitMsFor(err, attempt, context.policy);
        context.log.warn({ err, what, attempt, waitMs }, 'step failed, retrying');
        await pause(waitMs, context);
      }
    }
  };
}
