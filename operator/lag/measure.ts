// How far behind a flow is, per pattern, as DESIGN.md "Lag and replay" defines it.
//
// Event flows: messages = Σ (log end − committed) over the partitions. Seconds, for each partition
// with messages waiting, = now − timestamp of the newest message of that partition the runtime
// has written to the sink. Messages are appended in timestamp order, so every waiting message is
// newer than that one: this is the tightest upper bound of "age of the oldest waiting message"
// the operator can know without reading message bodies. While the consumer keeps up it equals
// the runtime's own secondsBehind plus the time since its last batch; when the consumer is down
// or stuck it grows one second per second, as it must. It overstates the lag only when the
// producer had been silent before the backlog began (the flow then is down anyway).
// A partition the consumer has not written from yet counts from the consumer's start.
// Poll flows: now − start of the last successful poll. Batch: now − as-of of the last good import.
import type { Pattern } from '../../crds/syncflow.ts';
import type { FlowFacts, Heartbeat, PartitionOffsets, RunState } from './facts.ts';

export interface Measurement {
  seconds?: number;
  messages?: number;
  sourceSilentSeconds?: number;
  /** Why lag could not be measured, as a sentence; set when `seconds` is undefined. */
  unknown?: string;
}

const secondsBetween = (fromMs: number, toMs: number): number =>
  Math.max(0, Math.round((toMs - fromMs) / 1000));

function behindOf(p: PartitionOffsets): number {
  const from = p.committedOffset ?? p.logStartOffset;
  return Math.max(0, p.logEndOffset - from);
}

function partitionSinceMs(
  heartbeat: Heartbeat | undefined,
  topic: string,
  partition: number,
): number | undefined {
  return heartbeat?.partitionTimestampsMs[`${topic}/${partition}`] ?? heartbeat?.startedAtMs;
}

function newestWrittenMs(heartbeat: Heartbeat | undefined): number | undefined {
  const all = Object.values(heartbeat?.partitionTimestampsMs ?? {});
  if (heartbeat?.lastMessageTimestampMs !== undefined) all.push(heartbeat.lastMessageTimestampMs);
  return all.length === 0 ? undefined : Math.max(...all);
}

function eventLag(facts: FlowFacts, options: { budgetSeconds: number; now: number }): Measurement {
  const partitions = facts.partitions;
  if (!partitions) return { unknown: 'the consumer group offsets could not be read' };
  const heartbeat = facts.state?.heartbeat;
  const waiting = partitions.filter((p) => behindOf(p) > 0);
  const messages = waiting.reduce((sum, p) => sum + behindOf(p), 0);
  if (messages === 0) {
    const newest = newestWrittenMs(heartbeat);
    const silent = newest === undefined ? undefined : secondsBetween(newest, options.now);
    return {
      seconds: 0,
      messages: 0,
      ...(silent !== undefined && silent > options.budgetSeconds
        ? { sourceSilentSeconds: silent }
        : {}),
    };
  }
  const since = waiting.map((p) => partitionSinceMs(heartbeat, facts.topic ?? '', p.partition));
  if (since.some((s) => s === undefined))
    return {
      messages,
      unknown: `${messages} messages behind and no consumer has reported progress yet`,
    };
  const oldest = Math.min(...(since as number[]));
  return { seconds: secondsBetween(oldest, options.now), messages };
}

function runLag(state: RunState | undefined, pattern: 'poll' | 'batch', now: number): Measurement {
  const last = state?.lastSuccessfulRun;
  if (!last) return { unknown: `no successful ${pattern} run yet` };
  const fromMs = pattern === 'batch' ? (last.asOfMs ?? last.startedAtMs) : last.startedAtMs;
  return { seconds: secondsBetween(fromMs, now) };
}

/** The lag of one flow from the facts read now. */
export function measureLag(
  pattern: Pattern,
  facts: FlowFacts,
  options: { budgetSeconds: number; now: number },
): Measurement {
  if (pattern === 'event') return eventLag(facts, options);
  if (!facts.state) return { unknown: 'the run records could not be read' };
  return runLag(facts.state, pattern, options.now);
}
