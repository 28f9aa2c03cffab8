// `runtime replay` of a batch flow, as child processes against real Redis and the Commerce
// double: each `runtime batch` run archives the export it imported, and a replay re-imports the
// archived exports since `from` — fillGaps skips what the gate has, reapply brings a restored
// Commerce back to the newest export without going back to an older one, even when the mounted
// export has changed since; a `from` before the oldest archive kept is refused, saying why.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { bearerToken, spawnRuntime } from './runtime-fixture.ts';
import { flowPrefix, lastRun, runOnce, writeRunRoot, type RunFlowOptions } from './run-fixture.ts';

const env = sharedEnvironment();
const redis = new Redis(env.redisUrl);
let commerce: CommerceDouble;

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken });
});
afterAll(async () => {
  redis.disconnect();
  await commerce.close();
});

const mountDir = '/mnt/exports';
const t1 = '2026-05-19T02:00:00.000Z';
const t2 = '2026-05-20T02:00:00.000Z';
const beforeT1 = '2026-05-18T00:00:00Z';

function batchFlow(): { options: RunFlowOptions; root: string; dir: string } {
  const options: RunFlowOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('batch'),
    redisUrl: env.redisUrl,
    commerceUrl: commerce.url,
    source: { file: { path: '/stock.csv', format: 'csv', keyFields: ['sku'] } },
    connection: { type: 'rest', url: 'http://127.0.0.1:9' },
    fields: {
      sku: { path: 'sku', type: 'string' },
      sourceCode: { path: 'warehouse', type: 'string' },
      quantity: { path: 'onHand', type: 'number' },
      asOf: { path: 'stand', type: 'dateTime' },
    },
    mode: 'batch',
    batchSize: 100,
  };
  const root = writeRunRoot(options);
  const dir = join(root, mountDir);
  mkdirSync(dir, { recursive: true });
  return { options, root, dir };
}

/** An export of `count` rows as of `asOf`, quantity `base + i`. */
function exportOf(prefix: string, count: number, asOf: string, base: number): string {
  const rows = Array.from({ length: count }, (_, i) => `${prefix}-${i},wh1,${base + i},${asOf}`);
  return ['sku,warehouse,onHand,stand', ...rows].join('\n') + '\n';
}

async function replay(
  root: string,
  request: { id: string; from: string; mode?: 'reapply'; env?: Record<string, string> },
): Promise<{ code: number | null; output: string }> {
  const runtime = spawnRuntime(
    root,
    {
      SYNCFLOW_BATCH_DIR: mountDir,
      SYNCFLOW_REPLAY_ID: request.id,
      SYNCFLOW_REPLAY_FROM: request.from,
      SYNCFLOW_GATE_MODE: request.mode ?? 'normal',
      ...request.env,
    },
    'replay',
  );
  const { code } = await runtime.exited;
  return { code, output: runtime.output.join('') };
}

const progressOf = (options: RunFlowOptions, id: string): Promise<Record<string, string>> =>
  redis.hgetall(`${flowPrefix(options)}:replay:${id}`);

describe('runtime replay of a batch flow', () => {
  it('re-imports the archived exports since from: fillGaps skips what the gate has, reapply restores the newest values', async () => {
    const { options, root, dir } = batchFlow();
    const p = uniqueName('BR');
    const quantityOf = (i: number): number | undefined =>
      commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity;
    const first = exportOf(p, 5, t1, 10);
    writeFileSync(join(dir, 'stock.csv'), first);
    const run1 = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
    expect(run1.code, run1.output).toBe(0);
    const record1 = await lastRun(redis, options);
    const archive1 = (record1 as { archive?: string }).archive;
    expect(record1.asOfMs).toBe(Date.parse(t1));
    // The default archive is below the mounted volume, byte for byte what was imported.
    const archiveDir = join(dir, '.syncflow-archive');
    expect(readFileSync(join(archiveDir, archive1 ?? 'none'), 'utf8')).toBe(first);

    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 3, t2, 20));
    expect((await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir })).code).toBe(0);
    for (let i = 0; i < 3; i++) expect(quantityOf(i)).toBe(20 + i);
    for (let i = 3; i < 5; i++) expect(quantityOf(i)).toBe(10 + i);
    // The mounted export changes again but is never imported: a replay must not read it.
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 5, t2, 90));
    // A Commerce restore loses the writes; the gate still knows them.
    for (let i = 0; i < 5; i++) commerce.state.deleteSourceItem(`${p}-${i}`, 'wh1');

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

    const writesBefore = commerce.state.writes.length;
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
    expect(commerce.state.writes.length - writesBefore).toBe(5);

    // Run again with the same id: handled, nothing re-imported.
    expect((await replay(root, { id: 'reapply.1', from: beforeT1, mode: 'reapply' })).code).toBe(0);
    expect(commerce.state.writes.length - writesBefore).toBe(5);
    expect(commerce.violations).toEqual([]);
  });

  it('refuses a from before the oldest archive kept, and re-imports from a later one', async () => {
    const { options, root, dir } = batchFlow();
    const p = uniqueName('BK');
    const archiveEnv = {
      SYNCFLOW_ARCHIVE_DIR: '/var/lib/syncflow/archive',
      SYNCFLOW_ARCHIVE_KEEP_RUNS: '1',
    };
    const runEnv = { SYNCFLOW_BATCH_DIR: mountDir, ...archiveEnv };
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 4, t1, 10));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    const archive1 = (await lastRun(redis, options)) as { archive?: string };
    writeFileSync(join(dir, 'stock.csv'), exportOf(p, 2, t2, 20));
    expect((await runOnce(root, 'batch', runEnv)).code).toBe(0);
    // Only the last run's archive is kept.
    const archiveRoot = join(root, 'var/lib/syncflow/archive');
    expect(existsSync(join(archiveRoot, archive1.archive ?? 'none'))).toBe(false);

    const refused = await replay(root, { id: 'old.1', from: beforeT1, env: archiveEnv });
    expect(refused.code, refused.output).toBe(5);
    const progress = await progressOf(options, 'old.1');
    expect(progress['phase']).toBe('Failed');
    expect(progress['message']).toContain(
      `from ${beforeT1} is before the oldest archived export: the export as of ${t1} was imported but is not archived`,
    );

    for (let i = 0; i < 4; i++) commerce.state.deleteSourceItem(`${p}-${i}`, 'wh1');
    const later = await replay(root, {
      id: 'later.1',
      from: '2026-05-19T12:00:00Z',
      mode: 'reapply',
      env: archiveEnv,
    });
    expect(later.code, later.output).toBe(0);
    expect(await progressOf(options, 'later.1')).toMatchObject({
      phase: 'Completed',
      recordsIn: '2',
      applied: '2',
    });
    for (let i = 0; i < 2; i++)
      expect(commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity).toBe(20 + i);
    expect(commerce.state.sourceItem(`${p}-2`, 'wh1')).toBeUndefined();

    // A replay pod without the archive volume says so instead of failing on a missing file.
    const elsewhere = await replay(root, {
      id: 'elsewhere.1',
      from: '2026-05-19T12:00:00Z',
      env: { ...archiveEnv, SYNCFLOW_ARCHIVE_DIR: '/var/lib/other' },
    });
    expect(elsewhere.code, elsewhere.output).toBe(5);
    expect((await progressOf(options, 'elsewhere.1'))['message']).toMatch(
      /archived export .* is not in the archive directory .*other: the replay must mount the volume/,
    );
  });
});
