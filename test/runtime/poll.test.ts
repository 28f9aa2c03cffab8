// `runtime poll` as a CronJob tick (a child process) against each ERP double: it applies exactly
// the rows changed since the cursor — rows sharing a timestamp across a page boundary, rows
// changed while the poll pages (an offset-paging server would shift them past the poll), and a
// late commit behind the cursor (caught by the overlap on the next run), each written once.
import { describe, expect, it } from 'vitest';
import { startErpDouble, type ErpDialect, type ErpDouble } from '../doubles/erp/erp-double.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { eventually } from '../support/eventually.ts';
import { commerceTestbed, spawnRuntime, stopRuntime } from './runtime-fixture.ts';
import { dialects, type DialectCase } from './poll-dialects.ts';
import {
  erpToken,
  flowPrefix,
  lastRun,
  runOnce,
  writeRunRoot,
  type RunFlowOptions,
} from './run-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;

async function setup(
  dialect: DialectCase,
  erpOptions: { maxPageSize?: number } = {},
): Promise<{ erp: ErpDouble; options: RunFlowOptions; root: string }> {
  const erp = await startErpDouble({
    dialect: dialect.dialect as ErpDialect,
    entity: dialect.entity(),
    bearerToken: erpToken,
    ...erpOptions,
  });
  const options: RunFlowOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('poll'),
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
    source: dialect.source,
    connection: { type: dialect.connectionType, url: erp.url },
    fields: dialect.fields,
    mode: 'poll',
  };
  return { erp, options, root: writeRunRoot(options) };
}

describe.each(dialects)('runtime poll against the $dialect double', (dialect) => {
  it('applies exactly the rows changed since the cursor, ties and changes during paging included', async () => {
    const { erp, options, root } = await setup(dialect);
    const prefix = uniqueName('P');
    const put = (i: number, quantity: number, modifiedMs?: number): void => {
      const [key, fields] = dialect.row(prefix, i, quantity);
      erp.store.put(key, fields, modifiedMs);
    };
    const base = Date.now() - 60_000;
    // Seven rows share one timestamp: with 5-row pages the tie spans a page boundary.
    for (let i = 0; i < 12; i++) put(i, 100 + i, i < 7 ? base : base + (i - 6) * 1000);
    const expected = new Map<number, number>(Array.from({ length: 12 }, (_, i) => [i, 100 + i]));
    erp.afterPage = (page) => {
      if (page === 1) {
        // Row 1 was just read; it moves to the end of the order. Row 9 is not read yet.
        put(1, 501);
        put(9, 509);
        expected.set(1, 501).set(9, 509);
      }
      if (page === 3) {
        // The last page: a transaction that began earlier commits late; its change time is
        // behind the rows already read, so only the overlap of the next run finds it.
        put(3, 503, base + 2500);
        expected.set(3, 503);
      }
    };
    try {
      const first = await runOnce(root, 'poll');
      expect(first.code, first.output).toBe(0);
      erp.afterPage = undefined;
      const quantity = (i: number): number | undefined =>
        testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
      for (const i of [0, 2, 4, 5, 6, 7, 8, 10, 11]) expect(quantity(i), `row ${i}`).toBe(100 + i);
      expect(quantity(1)).toBe(501);
      expect(quantity(9)).toBe(509);

      const second = await runOnce(root, 'poll');
      expect(second.code, second.output).toBe(0);
      for (const [i, value] of expected) expect(quantity(i), `row ${i}`).toBe(value);
      const secondRun = await lastRun(redis, options);
      expect(secondRun).toMatchObject({ result: 'succeeded', applied: 1 });
      expect(secondRun.skipped).toBeGreaterThan(0);

      const third = await runOnce(root, 'poll');
      expect(third.code, third.output).toBe(0);
      expect(await lastRun(redis, options)).toMatchObject({ result: 'succeeded', applied: 0 });

      // Each value reached Commerce once: the overlap re-reads were dropped by the gate.
      for (let i = 0; i < 12; i++) {
        const writes = testbed.commerce.state.writesOf('sourceItem', `${prefix}-${i}|wh1`).length;
        expect(writes, `writes of row ${i}`).toBe(i === 1 || i === 3 ? 2 : 1);
      }
      const lastSuccessful = JSON.parse(
        (await redis.get(`${flowPrefix(options)}:lastSuccessfulRun`)) ?? '{}',
      ) as { startedAtMs?: number };
      expect(lastSuccessful.startedAtMs).toBeGreaterThan(base);
      expect(await redis.get(`${flowPrefix(options)}:cursor`)).toContain('modifiedMs');
    } finally {
      await erp.close();
    }
  });

  it('writes nothing and records SchemaDrift when the source renamed a mapped field', async () => {
    const { erp, options, root } = await setup(dialect);
    const prefix = uniqueName('D');
    for (let i = 0; i < 3; i++) {
      const [key, fields] = dialect.row(prefix, i, 10 + i);
      erp.store.put(key, fields);
    }
    erp.store.renameProperty(dialect.quantityField, `${dialect.quantityField}Renamed`);
    try {
      const run = await runOnce(root, 'poll');
      expect(run.code, run.output).toBe(4);
      const record = await lastRun(redis, options);
      expect(record.result).toBe('schemaDrift');
      expect(record.message).toContain(dialect.quantityField);
      for (let i = 0; i < 3; i++)
        expect(testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')).toBeUndefined();
      expect(await redis.get(`${flowPrefix(options)}:cursor`)).toBeNull();
    } finally {
      await erp.close();
    }
  });
});

describe('runtime poll as a continuous poller (plan.pollIntervalSeconds)', () => {
  it('keeps polling a SuiteQL query until SIGTERM, applying each change without a restart', async () => {
    const suiteql = dialects.find((d) => d.dialect === 'suiteql');
    if (!suiteql) throw new Error('no suiteql dialect');
    const prefix = uniqueName('Q');
    // The runtime reads a query as an inline view: rows the query's WHERE excludes never come.
    const query = `SELECT id, item, quantityonhand, lastmodifieddate FROM inventorybalance WHERE quantityonhand < 1000`;
    const { erp, options } = await setup({
      ...suiteql,
      source: { suiteql: { query, pageSize: 5 } },
    });
    const continuous = { ...options, pollIntervalSeconds: 1 };
    const runtime = spawnRuntime(writeRunRoot(continuous), {}, 'poll');
    const put = (i: number, quantity: number): void => {
      const [key, fields] = suiteql.row(prefix, i, quantity);
      erp.store.put(key, fields);
    };
    const quantity = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity;
    try {
      put(0, 10);
      put(1, 5000);
      await eventually(() => expect(quantity(0)).toBe(10), { timeoutMs: 30_000 });
      // Often within the second of the first change: the ERP keeps change times to the second,
      // and the read time orders two states of one second (readVersionOf).
      put(0, 11);
      put(2, 12);
      await eventually(
        () => {
          expect(quantity(0)).toBe(11);
          expect(quantity(2)).toBe(12);
        },
        { timeoutMs: 30_000 },
      );
      expect(runtime.child.exitCode, runtime.output.join('')).toBeNull();
      expect(quantity(1)).toBeUndefined();
      const stopped = await stopRuntime(runtime);
      expect(stopped.code, runtime.output.join('')).toBe(0);
    } finally {
      await stopRuntime(runtime);
      await erp.close();
    }
  }, 90_000);
});
