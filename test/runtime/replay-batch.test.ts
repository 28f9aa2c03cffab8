// `runtime replay` of a batch flow, as child processes against real Kafka, Redis and the
// Commerce double: each `runtime batch` run of a flow with `spec.archive` streams its export into
// the archive topic, and a replay re-imports the archived exports since `from` out of Kafka —
// fillGaps skips what the gate has, reapply brings a restored Commerce back to the newest export
// without going back to an older one, even when the mounted export has changed since. A `from`
// it cannot honour is refused, saying why: before the oldest run kept, before an import without
// an archive, an export the topic's retention removed, bytes whose checksum does not match.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveTopicFor } from '../../crds/flow-state-keys.ts';
import type { ArchiveEntry } from '../../runtime/modes/replay-archives.ts';
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
  stockFields,
} from './run-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;
const kafka = kafkaFor(env.kafkaBrokers);

const mountDir = exportMountDir;
const runEnv = { SYNCFLOW_BATCH_DIR: mountDir };
const t1 = '2026-05-19T02:00:00.000Z';
const t2 = '2026-05-20T02:00:00.000Z';
const beforeT1 = '2026-05-18T00:00:00Z';
const betweenT1T2 = '2026-05-19T12:00:00Z';

function batchFlow(archive: { keepRuns?: number } | false = {}): {
  options: RunFlowOptions;
  root: string;
  dir: string;
} {
  return stockFileFlow(
    { redisUrl: env.redisUrl, commerceUrl: testbed.commerce.url },
    {
      fields: { ...stockFields, asOf: { path: 'stand', type: 'dateTime' } },
      ...(archive ? { archive: { kafkaBrokers: env.kafkaBrokers, ...archive } } : {}),
    },
  );
}

const topicOf = (options: RunFlowOptions): string =>
  archiveTopicFor({ instanceId: options.instanceId, namespace: 'shop', name: options.name });

/** An export of `count` rows as of `asOf`, quantity `base + i`. */
function exportOf(prefix: string, count: number, asOf: string, base: number): string {
  const rows = Array.from({ length: count }, (_, i) => `${prefix}-${i},wh1,${base + i},${asOf}`);
  return ['sku,warehouse,onHand,stand', ...rows].join('\n') + '\n';
}

async function replay(
  root: string,
  request: { id: string; from: string; mode?: 'reapply' },
): Promise<{ code: number | null; output: string }> {
  const runtime = spawnRuntime(
    root,
    {
      ...runEnv,
      SYNCFLOW_REPLAY_ID: request.id,
      SYNCFLOW_REPLAY_FROM: request.from,
      SYNCFLOW_GATE_MODE: request.mode ?? 'normal',
    },
    'replay',
  );
  const { code } = await runtime.exited;
  return { code, output: runtime.output.join('') };
}

const progressOf = (options: RunFlowOptions, id: string): Promise<Record<string, string>> =>
  redis.hgetall(`${flowPrefix(options)}:replay:${id}`);

const indexOf = async (options: RunFlowOptions): Promise<ArchiveEntry[]> =>
  (await redis.zrange(`${flowPrefix(options)}:archives`, '0', '-1')).map(
    (m) => JSON.parse(m) as ArchiveEntry,
  );

async function expectRefused(
  options: RunFlowOptions,
  outcome: { code: number | null; output: string },
  id: string,
  message: string | RegExp,
): Promise<void> {
  expect(outcome.code, outcome.output).toBe(5);
  const progress = await progressOf(options, id);
  expect(progress['phase']).toBe('Failed');
  expect(progress['message']).toMatch(message);
  expect(progress['recordsIn'] ?? '0').toBe('0');
}

describe('runtime replay of a batch flow archived in Kafka', () => {
  it('re-imports the archived exports since from: fillGaps skips what the gate has, reapply restores the newest values', async () => {
    const { options, root, dir } = batchFlow();
    const p = uniqueName('BR');
    const quantityOf = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity;
    const first = exportOf(p, 5, t1, 10);
    writeFileSync(join(dir, 'stock.csv'), first);
    const run1 = await runOnce(root, 'batch', runEnv);
    expect(run1.code, run1.output).toBe(0);
    const record1 = await lastRun(redis, options);
    expect(record1.asOfMs).toBe(Date.parse(t1));
    // The index says where in the topic the export is, and what it must read back as.
    const [entry1] = await indexOf(options);
    expect(entry1).toMatchObject({
      runId: record1.runId,
      topic: topicOf(options),
      chunks: 1,
      bytes: Buffer.byteLength(first),
      sha256: createHash('sha256').update(first).digest('hex'),
      asOfMs: Date.parse(t1),
    });
    expect(record1.archive).toBe(
      `${topicOf(options)}/${entry1?.partition}/${entry1?.firstOffset}-${entry1?.lastOffset}`,
    );

    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 3, t2, 20));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    for (let i = 0; i < 3; i++) expect(quantityOf(i)).toBe(20 + i);
    for (let i = 3; i < 5; i++) expect(quantityOf(i)).toBe(10 + i);
    // The export changes again but is never imported, then disappears: a replay must not read it.
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 5, t2, 90));
    // A Commerce restore loses the writes; the gate still knows them.
    for (let i = 0; i < 5; i++) testbed.commerce.state.deleteSourceItem(`${p}-${i}`, 'wh1');

    const gaps = await replay(root, { id: 'gaps.1', from: beforeT1 });
    expect(gaps.code, gaps.output).toBe(0);
    // Batch runs keep no event ids: the first export's rows the second one overwrote are stale
    // (older versions), the rest equal versions (duplicates). Nothing is written either way.
    expect(await progressOf(options, 'gaps.1')).toMatchObject({
      phase: 'Completed',
      recordsIn: '8',
      skippedDuplicate: '5',
      skippedStale: '3',
    });
    expect(quantityOf(0)).toBeUndefined();

    const writesBefore = testbed.commerce.state.writes.length;
    const again = await replay(root, { id: 'reapply.1', from: beforeT1, mode: 'reapply' });
    expect(again.code, again.output).toBe(0);
    for (let i = 0; i < 3; i++) expect(quantityOf(i)).toBe(20 + i);
    for (let i = 3; i < 5; i++) expect(quantityOf(i)).toBe(10 + i);
    const progress = await progressOf(options, 'reapply.1');
    expect(progress).toMatchObject({
      phase: 'Completed',
      recordsIn: '8',
      applied: '5',
      skippedStale: '3',
      from: beforeT1,
      to: t2,
      cursor: t2,
    });
    expect(progress['message']).toContain('re-imported 8 rows of 2 archived exports');
    // The older export never wrote over the newer one: five writes, each the newest value.
    expect(testbed.commerce.state.writes.length - writesBefore).toBe(5);

    // Run again with the same id: handled, nothing re-imported.
    expect((await replay(root, { id: 'reapply.1', from: beforeT1, mode: 'reapply' })).code).toBe(0);
    expect(testbed.commerce.state.writes.length - writesBefore).toBe(5);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('keeps the last keepRuns runs: refuses a from before them, re-imports from a later one', async () => {
    const { options, root, dir } = batchFlow({ keepRuns: 1 });
    const p = uniqueName('BK');
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 4, t1, 10));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 2, t2, 20));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    // Only the last run stays in the index.
    expect((await indexOf(options)).map((e) => e.asOfMs)).toEqual([Date.parse(t2)]);

    const refused = await replay(root, { id: 'old.1', from: beforeT1 });
    await expectRefused(
      options,
      refused,
      'old.1',
      `from ${beforeT1} is before the oldest archived export: the export as of ${t1} was imported but is not archived`,
    );

    for (let i = 0; i < 4; i++) testbed.commerce.state.deleteSourceItem(`${p}-${i}`, 'wh1');
    const later = await replay(root, { id: 'later.1', from: betweenT1T2, mode: 'reapply' });
    expect(later.code, later.output).toBe(0);
    expect(await progressOf(options, 'later.1')).toMatchObject({
      phase: 'Completed',
      recordsIn: '2',
      applied: '2',
    });
    for (let i = 0; i < 2; i++)
      expect(testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity).toBe(20 + i);
    expect(testbed.commerce.state.sourceItem(`${p}-2`, 'wh1')).toBeUndefined();
  });

  it('refuses a from before an import that had no archive', async () => {
    const { options, root, dir } = batchFlow(false);
    writeFileSync(join(dir, 'stock.csv'), exportOf(uniqueName('BN'), 2, t1, 10));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    expect(await lastRun(redis, options)).not.toHaveProperty('archive');
    await expectRefused(
      options,
      await replay(root, { id: 'none.1', from: beforeT1 }),
      'none.1',
      /the export as of 2026-05-19T02:00:00.000Z was imported but is not archived \(no export of this flow is archived/,
    );
  });

  it('refuses exports the topic no longer holds, or whose bytes do not match the index', async () => {
    const { options, root, dir } = batchFlow();
    const p = uniqueName('BL');
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 3, t1, 10));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 3, t2, 20));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    const [entry1, entry2] = await indexOf(options);
    if (!entry1 || !entry2) throw new Error('two runs indexed');

    // A checksum the bytes do not have (the index and the topic disagree): nothing re-imported.
    const key = `${flowPrefix(options)}:archives`;
    const tampered = { ...entry2, sha256: 'f'.repeat(64) };
    await redis.zrem(key, (await redis.zrange(key, '1', '1'))[0] ?? '');
    await redis.zadd(key, entry2.asOfMs, JSON.stringify(tampered));
    const writesBefore = testbed.commerce.state.writes.length;
    await expectRefused(
      options,
      await replay(root, { id: 'sum.1', from: betweenT1T2, mode: 'reapply' }),
      'sum.1',
      `checksum mismatch in the archive of run ${entry2.runId}`,
    );
    expect(testbed.commerce.state.writes.length).toBe(writesBefore);

    // Retention removes the first run's chunks: the log of the topic starts after them.
    await deleteRecordsThrough(kafka, entry1);
    await expectRefused(
      options,
      await replay(root, { id: 'gone.1', from: beforeT1, mode: 'reapply' }),
      'gone.1',
      `from ${beforeT1} is before the start of the archive: the export as of ${t1} (run ${entry1.runId}) was at offsets ${entry1.firstOffset}-${entry1.lastOffset} of ${entry1.topic} partition ${entry1.partition}, whose log now starts at ${entry1.lastOffset + 1} (retention removed it)`,
    );
    expect(testbed.commerce.state.writes.length).toBe(writesBefore);
  });
});
