// When the lag refresh writes the status. A condition transition (status or reason) and a change
// of the failed-runs count are written at once; everything else that moved — lag numbers,
// condition messages, a new successful run — waits for the flow's write allowance: a token bucket
// of one token per `intervalMs` (capacity 1). Writes made at once also spend a token (the bucket
// may go one into debt), so over time a flow costs at most one status write per interval unless
// its conditions themselves change faster. The allowance starts from status.lag.measuredAt, so an
// operator restart does not reset it.
export const lagWriteIntervalMs = 30_000;

export interface WriteAllowance {
  tokens: number;
  atMs: number;
}

export interface WriteDecisionInput {
  /** A wanted condition changes status or reason, or consecutiveFailedRuns changes. */
  urgent: boolean;
  /** Anything else differs from the status: numbers, messages, the last run, the cursor. */
  detailChanged: boolean;
  /** The flow's allowance after its last decision; none after a restart. */
  allowance: WriteAllowance | undefined;
  /** status.lag.measuredAt in epoch ms, if any: seeds a missing allowance. */
  lastMeasuredAtMs: number | undefined;
  now: number;
  intervalMs?: number;
}

export type WriteDecision = 'now' | 'throttled' | 'unchanged';

function refilled(input: WriteDecisionInput, intervalMs: number): number {
  const { allowance, lastMeasuredAtMs, now } = input;
  if (allowance) return Math.min(1, allowance.tokens + (now - allowance.atMs) / intervalMs);
  return lastMeasuredAtMs === undefined ? 1 : Math.min(1, (now - lastMeasuredAtMs) / intervalMs);
}

export function lagWriteDecision(input: WriteDecisionInput): {
  decision: WriteDecision;
  allowance: WriteAllowance;
} {
  const intervalMs = input.intervalMs ?? lagWriteIntervalMs;
  const tokens = refilled(input, intervalMs);
  const spend = (decision: WriteDecision) => ({
    decision,
    allowance: { tokens: Math.max(-1, tokens - 1), atMs: input.now },
  });
  if (input.urgent) return spend('now');
  const keep = (decision: WriteDecision) => ({ decision, allowance: { tokens, atMs: input.now } });
  if (!input.detailChanged) return keep('unchanged');
  return tokens >= 1 ? spend('now') : keep('throttled');
}
