// Entry of runtime/state/ for runs: the record each poll or batch run leaves in Redis — a capped
// list of the last runs plus the last successful one — for the operator's status.lastRun, its
// lag (poll: now − startedAtMs of the last successful run; batch: now − its asOfMs) and metrics.
import type { Redis } from 'ioredis';
import type { DeltaCursor } from '../sources/delta.ts';
import { runsKept, type RunKeys } from './run-keys.ts';

export { runKeysFor, runsKept, type RunKeys } from './run-keys.ts';

export const runResults = ['succeeded', 'failed', 'schemaDrift', 'guardTripped'] as const;
export type RunResult = (typeof runResults)[number];

export interface RunRecord {
  runId: string;
  mode: 'poll' | 'batch';
  startedAt: string;
  completedAt: string;
  startedAtMs: number;
  completedAtMs: number;
  /** Batch: the export's as-of time (declared column or file/HTTP modification time). */
  asOf?: string;
  asOfMs?: number;
  /** Records read from the source in this run. */
  records: number;
  /** Records the sink acknowledged. */
  applied: number;
  /** Records dropped by the gate (re-read by the overlap, or already applied before a restart). */
  skipped: number;
  /** Records the sink refused for good. */
  failed: number;
  /** Records refused before the sink (invalid rows): they are in the rejected-row report. */
  deadLettered: number;
  result: RunResult;
  /** Why a run did not succeed, as a sentence naming the field or the limit. */
  message?: string;
  /** Redis hash of this run's rejected rows (field = line or key@modifiedMs). */
  rejectedKey?: string;
  /** Poll: the cursor after the run. */
  cursor?: DeltaCursor;
  /** Batch: where the export is archived in Kafka, `{topic}/{partition}/{first}-{last}` (what a replay re-imports). */
  archive?: string;
  /** Batch: data rows done. */
  rowOffset?: number;
  /** The approval token that released a guard for this run. */
  approval?: string;
}

export async function saveRunRecord(redis: Redis, keys: RunKeys, record: RunRecord): Promise<void> {
  const json = JSON.stringify(record);
  const tx = redis
    .multi()
    .lpush(keys.runs, json)
    .ltrim(keys.runs, 0, runsKept - 1);
  if (record.result === 'succeeded') tx.set(keys.lastSuccessfulRun, json);
  await tx.exec();
}

export async function lastRuns(redis: Redis, keys: RunKeys): Promise<RunRecord[]> {
  return (await redis.lrange(keys.runs, 0, -1)).map((r) => JSON.parse(r) as RunRecord);
}

/** Uses an approval token once: true if it was not used before. */
export async function useApproval(redis: Redis, keys: RunKeys, token: string): Promise<boolean> {
  return (await redis.sadd(keys.approvals, token)) === 1;
}
