// The Source port: delivers batches of messages in source order and keeps its session alive
// while the pipeline works on one. Outside the contract on purpose: where a batch resumes after
// a restart (the Checkpoint's job) and decoding (runtime/flow/).
import type { MessageIn } from '../flow/flow.ts';

export interface SourceBatch {
  /** In source order; one partition (or one page, one file slice) per batch. */
  messages: MessageIn[];
  /** Log label: `topic/partition` or a cursor. */
  label: string;
  /** Where to resume after this batch; handed to the Checkpoint unchanged. */
  position: unknown;
  /** Keeps the source session alive during long waits (Kafka group heartbeat). */
  heartbeat(): Promise<void>;
  /** True when the batch no longer belongs to this process (a rebalance took the partition). */
  isStale(): boolean;
}

export interface Source {
  /** Calls `handle` for each batch, one at a time per partition; resolves once stopped. */
  run(handle: (batch: SourceBatch) => Promise<void>, signal: AbortSignal): Promise<void>;
}
