// The Redis keys of poll and batch runs, under the flow's prefix `sf:{instanceId}:{ns}/{name}`
// (the same prefix as the gate's per-flow keys). The operator reads `runs` and
// `lastSuccessfulRun` for status.lastRun, lag and run metrics.
import { flowKeyPrefix, flowStateKeysFor } from '../../crds/flow-state-keys.ts';
import type { FlowIdentity } from '../gate/state-keys.ts';

export interface RunKeys {
  /** String, JSON `{modifiedMs, key, atMs}`: where the next poll reads from (minus the overlap). */
  cursor: string;
  /** Hash: the batch import in progress — runId, fileId, rowOffset, asOfMs, startedAtMs. */
  batchProgress: string;
  /** List, newest first, JSON RunRecord each; capped at `runsKept`. */
  runs: string;
  /** String, JSON RunRecord of the last run whose result was `succeeded`. */
  lastSuccessfulRun: string;
  /** Set: approval tokens already used to release a guard (each releases one run). */
  approvals: string;
  /** Hash: rejected rows of a run, field = file line (or `key@modifiedMs`), value = JSON reason. */
  rejected(runId: string): string;
}

/** How many run records the capped list keeps. */
export const runsKept = 20;

export function runKeysFor(flow: FlowIdentity): RunKeys {
  const prefix = flowKeyPrefix(flow);
  const { cursor, batchProgress, runs, lastSuccessfulRun } = flowStateKeysFor(flow);
  return {
    cursor,
    batchProgress,
    runs,
    lastSuccessfulRun,
    approvals: `${prefix}:approvals`,
    rejected: (runId) => `${prefix}:run:${runId}:rejected`,
  };
}
