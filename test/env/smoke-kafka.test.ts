// Proves the local broker is a real Kafka usable from kafkajs: topics with partitions, a
// consumer group that commits, and the group's lag read through the admin API.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';

describe('Kafka smoke test', () => {
  const kafka = new Kafka({
    brokers: sharedEnvironment().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const topic = uniqueName('topic');
  const groupId = uniqueName('group');

  afterAll(async () => {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
  });

  it('produces, consumes in a group, commits and reports lag', async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);

    await producer.connect();
    // Ten messages per partition; the group commits partitions 0 and 1 only, so its lag is 10.
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `sku-${i}`,
      value: `{"qty":${i}}`,
      partition: i % 3,
    }));
    await producer.send({ topic, messages });

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    // A rebalance may deliver a message twice (at-least-once): count distinct keys.
    const received = new Set<string>();
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        received.add(message.key?.toString() ?? '');
        if (partition === 2) return;
        await consumer.commitOffsets([
          { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      },
    });
    await eventually(() => expect(received.size).toBe(30), { timeoutMs: 60_000 });
    await consumer.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const lag = ends.reduce((sum, end) => {
      const done =
        committed[0]?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return sum + Number(end.offset) - Math.max(Number(done), 0);
    }, 0);
    expect(ends.reduce((s, e) => s + Number(e.offset), 0)).toBe(30);
    expect(lag).toBe(10);
  });
});
