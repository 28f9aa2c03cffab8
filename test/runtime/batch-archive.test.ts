// `runtime batch` of a flow with `spec.archive`, as a Job (a child process) against real Kafka,
// Redis and the Commerce double: the export goes into the archive topic as chunks before the
// import, and a run SIGKILLed in the middle of its import resumes from the archive — the export
// it started from, even though the mounted file is gone by then — applying every row once.
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveTopicFor } from '../../crds/flow-state-keys.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceTestbed,
  deleteRecordsThrough,
  kafkaFor,
  spawnRuntime,
} from './runtime-fixture.ts';
import {
  flowPrefix,
  lastRun,
  runOnce,
  type RunFlowOptions,
  exportMountDir,
  stockFileFlow,
} from './run-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;
const kafka = kafkaFor(env.kafkaBrokers);

const mountDir = exportMountDir;

function archivedFlow(): { options: RunFlowOptions; root: string; dir: string } {
  return stockFileFlow(
    { redisUrl: env.redisUrl, commerceUrl: testbed.commerce.url },
    { archive: { kafkaBrokers: env.kafkaBrokers } },
  );
}

/** Messages of the run in the archive topic, in order: the chunks' sizes and the end marker. */
async function archivedMessages(
  topic: string,
  runId: string,
): Promise<{ seq: string; end: boolean; size: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const high = Number(offsets?.high ?? 0);
  const consumer = kafka.consumer({ groupId: uniqueName('check') });
  const found: { offset: number; seq: string; end: boolean; size: number }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (String(message.headers?.['sf-run-id']) === runId)
        found.push({
          offset: Number(message.offset),
          seq: String(message.headers?.['sf-seq']),
          end: message.headers?.['sf-end'] !== undefined,
          size: message.value?.length ?? 0,
        });
      return Promise.resolve();
    },
  });
  await eventually(() => expect(found.at(-1)?.offset).toBe(high - 1), { timeoutMs: 30_000 });
  await consumer.disconnect();
  return found.map(({ seq, end, size }) => ({ seq, end, size }));
}

describe('runtime batch with spec.archive', () => {
  it(
    'resumes a run SIGKILLed during its import from the archive, never the source again',
    { timeout: 300_000 },
    async () => {
      const { options, root, dir } = archivedFlow();
      const p = uniqueName('A');
      const rows = 40_000;
      const lines = Array.from({ length: rows }, (_, i) => `${p}-${i},wh1,${i}`);
      const text = ['sku,warehouse,onHand', ...lines].join('\n') + '\n';
      writeFileSync(join(dir, 'stock.csv'), text);
      testbed.commerce.setLatency(5);
      const runtime = spawnRuntime(root, { SYNCFLOW_BATCH_DIR: mountDir }, 'batch');
      const progress = `${flowPrefix(options)}:batch`;
      await eventually(
        async () =>
          expect(Number(await redis.hget(progress, 'rowOffset'))).toBeGreaterThanOrEqual(
            rows * 0.6,
          ),
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      runtime.child.kill('SIGKILL');
      expect((await runtime.exited).signal).toBe('SIGKILL');
      expect(Number(await redis.hget(progress, 'rowOffset'))).toBeLessThan(rows);
      // The export is gone (the ERP cleaned its folder): only the archive has it now.
      rmSync(join(dir, 'stock.csv'));
      testbed.commerce.setLatency(0);

      const second = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain('resuming from the archive');
      expect(second.output).toContain('resuming the import');
      let writes = 0;
      for (let i = 0; i < rows; i++) {
        expect(testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity, `row ${i}`).toBe(i);
        writes += testbed.commerce.state.writesOf('sourceItem', `${p}-${i}|wh1`).length;
      }
      // Only the chunk in flight at the kill can be written twice.
      expect(writes - rows).toBeLessThanOrEqual(1000);
      const record = await lastRun(redis, options);
      expect(record).toMatchObject({ result: 'succeeded', rowOffset: rows });

      // One archive of the run: chunks of at most 512 KiB in order, then the end marker; the
      // index has its checksum, which is the export's.
      const topic = archiveTopicFor({
        instanceId: options.instanceId,
        namespace: 'shop',
        name: options.name,
      });
      const messages = await archivedMessages(topic, record.runId);
      const chunks = messages.filter((m) => !m.end);
      expect(chunks.length).toBeGreaterThanOrEqual(2);
      expect(chunks.map((m) => m.seq)).toEqual(chunks.map((_, i) => String(i)));
      expect(Math.max(...chunks.map((m) => m.size))).toBeLessThanOrEqual(512 * 1024);
      expect(chunks.reduce((n, m) => n + m.size, 0)).toBe(Buffer.byteLength(text));
      expect(messages.at(-1)).toMatchObject({ end: true, seq: String(chunks.length) });
      const index = await redis.zrange(`${flowPrefix(options)}:archives`, '0', '-1');
      expect(index.map((m) => JSON.parse(m) as { runId: string; sha256: string })).toEqual([
        expect.objectContaining({
          runId: record.runId,
          sha256: createHash('sha256').update(text).digest('hex'),
        }),
      ]);
      expect(testbed.commerce.violations).toEqual([]);
    },
  );

  it(
    'starts the run again from the source when the archive of the killed run is gone',
    { timeout: 300_000 },
    async () => {
      const { options, root, dir } = archivedFlow();
      const p = uniqueName('G');
      const rows = 10_000;
      const lines = Array.from({ length: rows }, (_, i) => `${p}-${i},wh1,${i}`);
      writeFileSync(join(dir, 'stock.csv'), ['sku,warehouse,onHand', ...lines].join('\n'));
      testbed.commerce.setLatency(20);
      const runtime = spawnRuntime(root, { SYNCFLOW_BATCH_DIR: mountDir }, 'batch');
      const progress = `${flowPrefix(options)}:batch`;
      await eventually(
        async () => expect(Number(await redis.hget(progress, 'rowOffset'))).toBeGreaterThan(0),
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      runtime.child.kill('SIGKILL');
      await runtime.exited;
      testbed.commerce.setLatency(0);
      // Retention (or a person) removed the archived export before the run could resume.
      const current = JSON.parse(
        (await redis.get(`${flowPrefix(options)}:archives:current`)) ?? '{}',
      ) as { topic: string; partition: number; lastOffset: number };
      await deleteRecordsThrough(kafka, current);

      const second = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain('the archived export of the unfinished run is gone');
      for (let i = 0; i < rows; i++)
        expect(testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity, `row ${i}`).toBe(i);
      expect(await lastRun(redis, options)).toMatchObject({ result: 'succeeded', rowOffset: rows });
    },
  );
});
