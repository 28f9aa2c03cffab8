// `runtime batch` as a Job (a child process) importing a mounted export into the Commerce
// double through real Redis: malformed rows reported by line while good rows land, declared
// encoding and decimal comma, a SIGKILL at 60% resumed without losing or repeating rows,
// schema drift and an empty snapshot refused before anything is written.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { commerceTestbed, spawnRuntime } from './runtime-fixture.ts';
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

const mountDir = exportMountDir;
const fields = stockFields;

function batchFlow(
  file: Record<string, unknown>,
  overrides: Partial<RunFlowOptions> = {},
): { options: RunFlowOptions; root: string; dir: string } {
  return stockFileFlow(
    { redisUrl: env.redisUrl, commerceUrl: testbed.commerce.url },
    { file, ...overrides },
  );
}

async function rejected(options: RunFlowOptions): Promise<Record<string, string>> {
  const run = await lastRun(redis, options);
  const report = await redis.hgetall(run.rejectedKey ?? 'none');
  return Object.fromEntries(
    Object.entries(report).map(([line, json]) => [
      line,
      (JSON.parse(json) as { reason: string }).reason,
    ]),
  );
}

describe('runtime batch', () => {
  it('imports the good rows and reports each malformed one by line', async () => {
    const { options, root, dir } = batchFlow({});
    const p = uniqueName('M');
    writeFileSync(
      join(dir, 'stock.csv'),
      [
        'sku,warehouse,onHand',
        `${p}-1,wh1,10`,
        `${p}-2,wh1,20,extra`,
        `${p}-3,wh1,abc`,
        `${p}-4,wh1,"1.234,56"`,
        `,wh1,5`,
        `${p}-6,wh1,60.5`,
        '',
        `"${p}-7",wh1,70`,
      ].join('\n'),
    );
    const run = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
    expect(run.code, run.output).toBe(0);
    expect(testbed.commerce.state.sourceItem(`${p}-1`, 'wh1')?.quantity).toBe(10);
    expect(testbed.commerce.state.sourceItem(`${p}-6`, 'wh1')?.quantity).toBe(60.5);
    expect(testbed.commerce.state.sourceItem(`${p}-7`, 'wh1')?.quantity).toBe(70);
    for (const bad of [2, 3, 4])
      expect(testbed.commerce.state.sourceItem(`${p}-${bad}`, 'wh1')).toBeUndefined();
    const report = await rejected(options);
    expect(Object.keys(report).sort()).toEqual(['3', '4', '5', '6']);
    expect(report['3']).toContain('expected 3 columns, got 4');
    expect(report['4']).toContain('not a number');
    expect(report['5']).toContain('1.234,56');
    expect(report['6']).toContain('sku');
    expect(await lastRun(redis, options)).toMatchObject({
      result: 'succeeded',
      records: 6,
      applied: 3,
      deadLettered: 4,
    });
  });

  it('reads the declared encoding and decimal comma, and records the as-of column', async () => {
    const { options, root, dir } = batchFlow(
      { format: 'csv', delimiter: ';', decimalSeparator: ',', encoding: 'windows-1252' },
      { fields: { ...fields, asOf: { path: 'stand', type: 'dateTime' } } },
    );
    const p = uniqueName('E');
    const text = ['sku;warehouse;onHand;stand', `${p}-MÜHLE;wh1;1.234,5;2026-05-19T02:00:00Z`].join(
      '\r\n',
    );
    writeFileSync(join(dir, 'stock.csv'), Buffer.from(text, 'latin1'));
    const run = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
    expect(run.code, run.output).toBe(0);
    expect(testbed.commerce.state.sourceItem(`${p}-MÜHLE`, 'wh1')?.quantity).toBe(1234.5);
    expect((await lastRun(redis, options)).asOfMs).toBe(Date.parse('2026-05-19T02:00:00Z'));
  });

  it('imports NDJSON and XML exports', async () => {
    for (const format of ['ndjson', 'xml'] as const) {
      const { root, dir } = batchFlow({
        path: `/stock.${format}`,
        format,
        ...(format === 'xml' ? { recordElement: 'Item' } : {}),
      });
      const p = uniqueName(format);
      const body =
        format === 'ndjson'
          ? `{"sku":"${p}-1","warehouse":"wh1","onHand":3}\n{"sku":"${p}-2","warehouse":"wh1","onHand":4}\n`
          : `<?xml version="1.0"?><Stock><Item><sku>${p}-1</sku><warehouse>wh1</warehouse><onHand>3</onHand></Item><Item><sku>${p}-2</sku><warehouse>wh1</warehouse><onHand>4</onHand></Item></Stock>`;
      writeFileSync(join(dir, `stock.${format}`), body);
      const run = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
      expect(run.code, run.output).toBe(0);
      expect(testbed.commerce.state.sourceItem(`${p}-2`, 'wh1')?.quantity, run.output).toBe(4);
    }
  });

  it('writes nothing and records SchemaDrift when two columns are swapped', async () => {
    const { options, root, dir } = batchFlow({});
    const p = uniqueName('S');
    // The export template changed: onHand and warehouse values trade places under the old header.
    const rows = Array.from({ length: 10 }, (_, i) => `${p}-${i},${i * 3},wh1`);
    writeFileSync(join(dir, 'stock.csv'), ['sku,warehouse,onHand', ...rows].join('\n'));
    const run = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
    expect(run.code, run.output).toBe(4);
    const record = await lastRun(redis, options);
    expect(record.result).toBe('schemaDrift');
    expect(record.message).toContain('onHand is not a number');
    for (let i = 0; i < 10; i++)
      expect(testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')).toBeUndefined();
  });

  it('writes nothing for a renamed column and names it', async () => {
    const { options, root, dir } = batchFlow({});
    const p = uniqueName('R');
    writeFileSync(join(dir, 'stock.csv'), `sku,warehouse,qty\n${p}-1,wh1,5\n`);
    expect((await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir })).code).toBe(4);
    const record = await lastRun(redis, options);
    expect(record).toMatchObject({ result: 'schemaDrift' });
    expect(record.message).toContain('quantity reads onHand');
    expect(testbed.commerce.state.sourceItem(`${p}-1`, 'wh1')).toBeUndefined();
  });

  it('refuses an empty snapshot until an approval token releases one run', async () => {
    const { options, root, dir } = batchFlow({});
    writeFileSync(join(dir, 'stock.csv'), 'sku,warehouse,onHand\n');
    const writesBefore = testbed.commerce.state.writes.length;
    expect((await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir })).code).toBe(4);
    expect(await lastRun(redis, options)).toMatchObject({ result: 'guardTripped', records: 0 });
    expect(testbed.commerce.state.writes.length).toBe(writesBefore);
    const approved = { SYNCFLOW_BATCH_DIR: mountDir, SYNCFLOW_APPROVED_RUN: 'approve-1' };
    expect((await runOnce(root, 'batch', approved)).code).toBe(0);
    expect(await lastRun(redis, options)).toMatchObject({
      result: 'succeeded',
      approval: 'approve-1',
    });
    // The same token does not release a second run.
    expect((await runOnce(root, 'batch', approved)).code).toBe(4);
  });

  it(
    'resumes after a SIGKILL at 60% and applies every row once, reporting the bad rows',
    { timeout: 300_000 },
    async () => {
      const { options, root, dir } = batchFlow({});
      const p = uniqueName('K');
      const rows = 30_000;
      const bad = new Set([17, 12_345, 25_001]);
      const lines = Array.from({ length: rows }, (_, i) =>
        bad.has(i) ? `${p}-${i},wh1,n/a` : `${p}-${i},wh1,${i}`,
      );
      writeFileSync(join(dir, 'stock.csv'), ['sku,warehouse,onHand', ...lines].join('\n'));
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
      const killedAt = Number(await redis.hget(progress, 'rowOffset'));
      expect(killedAt).toBeLessThan(rows);
      testbed.commerce.setLatency(0);
      const second = await runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir });
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain('resuming the import');
      let writes = 0;
      for (let i = 0; i < rows; i++) {
        const item = testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1');
        if (bad.has(i)) expect(item).toBeUndefined();
        else expect(item?.quantity, `row ${i}`).toBe(i);
        const count = testbed.commerce.state.writesOf('sourceItem', `${p}-${i}|wh1`).length;
        // A row written just before the kill, but not yet recorded, is written again once.
        expect(count).toBeLessThanOrEqual(2);
        writes += count;
      }
      // Only the chunk in flight at the kill can be written twice.
      expect(writes - (rows - bad.size)).toBeLessThanOrEqual(1000);
      const report = await rejected(options);
      expect(
        Object.keys(report)
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([...bad].map((i) => i + 2));
      expect(await lastRun(redis, options)).toMatchObject({ result: 'succeeded', rowOffset: rows });
    },
  );
});
