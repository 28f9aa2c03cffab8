// Reads an event flow's position in Kafka through the admin API: per partition, the log start
// and end offsets of the topic and the offset the flow's consumer group committed. Two requests,
// whatever the number of partitions.
import type { Admin } from 'kafkajs';
import type { PartitionOffsets } from '../lag/lag-status.ts';

export async function readConsumerOffsets(
  admin: Admin,
  options: { groupId: string; topic: string },
): Promise<PartitionOffsets[]> {
  const { groupId, topic } = options;
  const [ends, groups] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committed = new Map<number, number>();
  for (const p of groups.find((g) => g.topic === topic)?.partitions ?? []) {
    const offset = Number(p.offset);
    if (Number.isFinite(offset) && offset >= 0) committed.set(p.partition, offset);
  }
  return ends
    .map((p) => ({
      partition: p.partition,
      logStartOffset: Number(p.low),
      logEndOffset: Number(p.high),
      committedOffset: committed.get(p.partition),
    }))
    .sort((a, b) => a.partition - b.partition);
}
