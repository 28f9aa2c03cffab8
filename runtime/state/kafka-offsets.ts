// Checkpoint of the consume mode: the consumer group's committed offsets. A batch whose
// partition was taken by a rebalance is not committed; its new owner re-delivers it and the
// gate drops what this process already applied.
import type { KafkaPosition } from '../sources/kafka.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { Checkpoint } from './checkpoint.ts';

export class KafkaOffsets implements Checkpoint {
  async commit(batch: SourceBatch): Promise<void> {
    if (batch.isStale()) return;
    await (batch.position as KafkaPosition).commit();
  }
}
