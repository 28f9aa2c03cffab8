// The Checkpoint port: makes a batch's position durable once the sink and the gate's record
// succeeded, so a restart resumes after it. Outside the contract on purpose: reading the
// position back (the source does, e.g. a Kafka group resumes from its committed offsets) and
// dedup (the gate: a crash before commit re-delivers, and the gate drops what was applied).
import type { SourceBatch } from '../sources/source.ts';

export interface Checkpoint {
  commit(batch: SourceBatch): Promise<void>;
}
