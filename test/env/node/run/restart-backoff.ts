// When the kubelet restarts a container that exited: per restartPolicy, and with a crash-loop
// back-off that lets the first restart go at once, then waits base, 2×base, … up to max. A
// container that ran longer than 2×max before it exited starts over from the first restart.
import type { RestartPolicy } from '../pod-status.ts';

export interface RestartBackoff {
  /** The first wait (the kubelet's is 10 s). */
  baseMs: number;
  /** The cap (the kubelet's is 300 s). */
  maxMs: number;
}

export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** The wait before restart number `crashes` (1 = the first crash of a streak). */
export function restartDelayMs(crashes: number, backoff: RestartBackoff): number {
  if (crashes <= 1) return 0;
  return Math.min(backoff.baseMs * 2 ** (crashes - 2), backoff.maxMs);
}

/** Whether a container that ran `ranMs` before exiting starts a new crash streak. */
export function isStreakReset(ranMs: number, backoff: RestartBackoff): boolean {
  return ranMs > 2 * backoff.maxMs;
}
