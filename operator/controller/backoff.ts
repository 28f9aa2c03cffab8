// Jittered exponential backoff for reconnects and retries of the informers and the leader
// elector: many replicas restarting after one apiserver outage must not retry in lockstep.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Delay before retry number `failures` (1-based): initial·2^(n-1), capped, scaled into [½, 1]. */
export function backoffMs(failures: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(options.initialMs * 2 ** Math.min(exponent, 30), options.maxMs);
  return Math.round(base * (0.5 + 0.5 * random()));
}
