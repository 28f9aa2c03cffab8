// Checkpoint of the consume mode: the consumer group's committed offsets. A batch whose
// partition was taken by a rebalance is not committed; its new owner re-delivers it and the
// gate drops what this process already applied.
import type { Consumer } from 'kafkajs';
import type { KafkaPosition } from '../sources/kafka.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { Checkpoint } from './checkpoint.ts';

export class KafkaOffsets implements Checkpoint {
  readonly #consumer: Consumer;

  constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  async commit(batch: SourceBatch): Promise<void> {
    if (batch.isStale()) return;
    const { topic, partition, offset } = batch.position as KafkaPosition;
    await this.#consumer.commitOffsets([{ topic, partition, offset }]);
  }
}
