// What the operator reads about a flow outside Kubernetes, as plain values: the runtime's
// heartbeat, run records and cursor from the flow's Redis, and its consumer group's offsets from
// Kafka. The state/ adapters produce these; the pure lag core turns them into status.

/** One partition of an event flow's topic: log end and the live consumer group's committed offset. */
export interface PartitionOffsets {
  partition: number;
  /** Offset of the first retained message. */
  logStartOffset: number;
  /** Offset the next produced message gets (high watermark). */
  logEndOffset: number;
  /** The group's committed offset (next message to process); undefined when it committed none. */
  committedOffset?: number | undefined;
}

/** The runtime's heartbeat hash, numbers parsed; absent fields are undefined. */
export interface Heartbeat {
  /** Last time the runtime wrote the hash (a timer in consume mode, each batch in every mode). */
  atMs?: number | undefined;
  /** When the current consumer process started. */
  startedAtMs?: number | undefined;
  /** When the last batch was written to the sink. */
  lastBatchAtMs?: number | undefined;
  /** Newest message timestamp of the last batch written. */
  lastMessageTimestampMs?: number | undefined;
  /** Age of that message when it was written, as the runtime measured it. */
  secondsBehind?: number | undefined;
  /** Cumulative figures since the flow's state was created. */
  recordsIn?: number | undefined;
  applied?: number | undefined;
  deadLettered?: number | undefined;
  /** Per partition label (`topic/partition`): newest message timestamp written to the sink. */
  partitionTimestampsMs: Readonly<Record<string, number>>;
}

export const runResults = ['succeeded', 'failed', 'schemaDrift', 'guardTripped'] as const;
export type RunResult = (typeof runResults)[number];

/** One poll or batch run as the runtime records it. */
export interface RunRecord {
  runId: string;
  mode: 'poll' | 'batch';
  startedAtMs: number;
  completedAtMs: number;
  /** Batch: the as-of time of the imported export. */
  asOfMs?: number | undefined;
  records: number;
  applied: number;
  failed: number;
  deadLettered: number;
  result: RunResult;
  message?: string | undefined;
}

/** The poll cursor: the modified time (and key) the next poll reads from. */
export interface PollCursor {
  modifiedMs: number;
  key: string;
}

/** Everything read from the flow's Redis. */
export interface RunState {
  heartbeat?: Heartbeat | undefined;
  /** Newest first. */
  runs: readonly RunRecord[];
  lastSuccessfulRun?: RunRecord | undefined;
  cursor?: PollCursor | undefined;
}

/** A read that failed, as a sentence naming the system and the cause. */
export interface ReadProblem {
  source: 'redis' | 'kafka' | 'connection';
  message: string;
}

/** The facts of one measurement; a failed read leaves its part undefined and names a problem. */
export interface FlowFacts {
  state?: RunState | undefined;
  /** Event flows only. */
  partitions?: readonly PartitionOffsets[] | undefined;
  /** Event flows: the topic the partitions belong to (labels in the heartbeat carry it). */
  topic?: string | undefined;
  problems: readonly ReadProblem[];
}
