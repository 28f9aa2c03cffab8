// Topics created and ready to produce to. kafkajs' createTopics({ waitForLeaders }) can fail with
// UNKNOWN_TOPIC_OR_PARTITION while a busy broker has created the topic but not yet published its
// metadata: creating again is harmless (an existing topic is left as it is), so it retries until
// every partition of every topic has a leader.
import type { Admin } from 'kafkajs';

const retryMs = 500;
const timeoutMs = 60_000;

async function leadersReady(admin: Admin, topics: readonly string[]): Promise<boolean> {
  const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
  return (
    found.length === topics.length &&
    found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
  );
}

export async function createReadyTopics(
  admin: Admin,
  topics: readonly { topic: string; partitions: number }[],
): Promise<void> {
  const names = topics.map((t) => t.topic);
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.createTopics({
        topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions })),
        waitForLeaders: true,
      });
      if (await leadersReady(admin, names)) return;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
    if (Date.now() > until) throw new Error(`topics ${names.join(', ')} have no leaders yet`);
    await new Promise((r) => setTimeout(r, retryMs));
  }
}
