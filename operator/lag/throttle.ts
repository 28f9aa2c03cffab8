// When the lag refresh writes the status: a condition transition (status or reason) and a new run
// outcome at once; lag numbers and condition messages at most once per `minIntervalMs` per flow,
// measured from status.lag.measuredAt, so the rule survives an operator restart and needs no
// memory of its own. Nothing changed, nothing written.
export const lagWriteIntervalMs = 30_000;

export interface WriteDecisionInput {
  /** A wanted condition changes status or reason. */
  transition: boolean;
  /** lastRun, consecutiveFailedRuns or cursor differ from the status. */
  runChanged: boolean;
  /** Lag numbers or a condition message differ from the status. */
  detailChanged: boolean;
  /** status.lag.measuredAt in epoch ms, if any. */
  lastMeasuredAtMs: number | undefined;
  now: number;
  minIntervalMs?: number;
}

export type WriteDecision = 'now' | 'throttled' | 'unchanged';

export function lagWriteDecision(input: WriteDecisionInput): WriteDecision {
  if (input.transition || input.runChanged) return 'now';
  if (!input.detailChanged) return 'unchanged';
  const interval = input.minIntervalMs ?? lagWriteIntervalMs;
  const last = input.lastMeasuredAtMs;
  return last === undefined || input.now - last >= interval ? 'now' : 'throttled';
}
