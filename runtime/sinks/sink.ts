// The Sink port: writes a batch of canonical set records to the target system and says, per
// key, what was applied and what was refused for good (→ dead letter). Throwing means "nothing
// can be said about the unfinished part": the runner retries. Outside the contract on purpose:
// ordering across calls (the gate orders versions), dedup (the gate), and the shared Redis
// concurrency budget (a later issue; each sink honours its connection budget per process).

export interface WriteItem<R> {
  key: string;
  record: R;
  deleted: boolean;
}

export interface WriteFailure {
  key: string;
  reasonCode: string;
  reason: string;
}

export interface WriteResult {
  /** Keys whose write the target acknowledged. */
  applied: string[];
  /** Keys the target refused for good (per-row failures, 4xx on a single row). */
  failed: WriteFailure[];
}

/** Runs one unit of work, retrying it as the runtime's error classes say; given by the runner. */
export type Attempt = <T>(what: string, work: () => Promise<T>) => Promise<T>;

export interface Sink<R> {
  write(items: readonly WriteItem<R>[], attempt: Attempt): Promise<WriteResult>;
  close(): Promise<void>;
}
