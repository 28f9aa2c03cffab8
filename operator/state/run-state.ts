// Reads what the runtime leaves in a flow's Redis — the heartbeat hash, the run records, the last
// successful run and the poll cursor — in one round trip, and parses it into plain facts. A run
// record that does not parse is skipped rather than failing the whole read.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FlowStateKeys } from '../../crds/flow-state-keys.ts';
import {
  runResults,
  type Heartbeat,
  type PollCursor,
  type RunRecord,
  type RunState,
} from '../lag/lag-status.ts';

const runRecordSchema = z.looseObject({
  runId: z.string(),
  mode: z.enum(['poll', 'batch']),
  startedAtMs: z.number(),
  completedAtMs: z.number(),
  asOfMs: z.number().optional(),
  records: z.number().default(0),
  applied: z.number().default(0),
  failed: z.number().default(0),
  deadLettered: z.number().default(0),
  result: z.enum(runResults),
  message: z.string().optional(),
});

const cursorSchema = z.looseObject({ modifiedMs: z.number(), key: z.string().default('') });

function parsed<T>(schema: z.ZodType<T>, raw: string | null | undefined): T | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    const result = schema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function runRecordOf(raw: string | null | undefined): RunRecord | undefined {
  const record = parsed(runRecordSchema, raw);
  if (!record) return undefined;
  const { runId, mode, startedAtMs, completedAtMs, asOfMs, records, applied, failed } = record;
  return {
    runId,
    mode,
    startedAtMs,
    completedAtMs,
    ...(asOfMs !== undefined ? { asOfMs } : {}),
    records,
    applied,
    failed,
    deadLettered: record.deadLettered,
    result: record.result,
    ...(record.message !== undefined ? { message: record.message } : {}),
  };
}

const numberOf = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

const partitionField = /^partition:(.+):lastMessageTimestampMs$/;

export function heartbeatOf(hash: Record<string, string>): Heartbeat | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const partitionTimestampsMs: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    const label = partitionField.exec(field)?.[1];
    const ms = numberOf(value);
    if (label !== undefined && ms !== undefined) partitionTimestampsMs[label] = ms;
  }
  return {
    atMs: numberOf(hash['atMs']),
    startedAtMs: numberOf(hash['startedAtMs']),
    lastBatchAtMs: numberOf(hash['lastBatchAtMs']),
    lastMessageTimestampMs: numberOf(hash['lastMessageTimestampMs']),
    secondsBehind: numberOf(hash['secondsBehind']),
    recordsIn: numberOf(hash['recordsIn']),
    applied: numberOf(hash['applied']),
    deadLettered: numberOf(hash['deadLettered']),
    partitionTimestampsMs,
  };
}

/** Heartbeat, runs (newest first), last successful run and cursor of one flow. */
export async function readRunState(redis: Redis, keys: FlowStateKeys): Promise<RunState> {
  const replies = await redis
    .multi()
    .hgetall(keys.heartbeat)
    .lrange(keys.runs, 0, -1)
    .get(keys.lastSuccessfulRun)
    .get(keys.cursor)
    .exec();
  if (!replies) throw new Error('redis transaction aborted');
  for (const [err] of replies) if (err) throw err;
  const [hash, runs, last, cursor] = replies.map(([, value]) => value) as [
    Record<string, string>,
    string[],
    string | null,
    string | null,
  ];
  const heartbeat = heartbeatOf(hash);
  const lastSuccessfulRun = runRecordOf(last);
  const pollCursor: PollCursor | undefined = parsed(cursorSchema, cursor);
  return {
    ...(heartbeat ? { heartbeat } : {}),
    runs: runs.map(runRecordOf).filter((r): r is RunRecord => r !== undefined),
    ...(lastSuccessfulRun ? { lastSuccessfulRun } : {}),
    ...(pollCursor ? { cursor: { modifiedMs: pollCursor.modifiedMs, key: pollCursor.key } } : {}),
  };
}
