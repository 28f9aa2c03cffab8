// `guards.maxChangeRatio` on a batch flow, run as a Job (a child process) against the Commerce
// double and real Redis: an export changing 90% of the last export's rows writes nothing and
// records GuardTripped until an approval token (the flow's syncflow.io/approve annotation)
// releases one run; an export changing less than the limit imports without one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { commerceTestbed } from './runtime-fixture.ts';
import { lastRun, runOnce, exportMountDir, stockFileFlow } from './run-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;

const mountDir = exportMountDir;
const rows = 200;

function stock(prefix: string, quantityOf: (i: number) => number): string {
  const lines = Array.from({ length: rows }, (_, i) => `${prefix}-${i},wh1,${quantityOf(i)}`);
  return ['sku,warehouse,onHand', ...lines].join('\n');
}

function quantities(prefix: string): (number | undefined)[] {
  return Array.from(
    { length: rows },
    (_, i) => testbed.commerce.state.sourceItem(`${prefix}-${i}`, 'wh1')?.quantity,
  );
}

describe('runtime batch with guards.maxChangeRatio', () => {
  it('writes nothing for an export changing 90% of the rows until a run is approved', async () => {
    const { options, root, dir } = stockFileFlow(
      { redisUrl: env.redisUrl, commerceUrl: testbed.commerce.url },
      { name: uniqueName('ratio'), guards: { maxChangeRatio: 0.5 }, batchSize: 50 },
    );
    const p = uniqueName('G');
    const run = (env: Record<string, string> = {}): ReturnType<typeof runOnce> =>
      runOnce(root, 'batch', { SYNCFLOW_BATCH_DIR: mountDir, ...env });

    // The first import has nothing to protect.
    writeFileSync(
      join(dir, 'stock.csv'),
      stock(p, (i) => i),
    );
    expect((await run()).code).toBe(0);
    expect(quantities(p)).toEqual(Array.from({ length: rows }, (_, i) => i));

    // 30% changed: within the limit.
    writeFileSync(
      join(dir, 'stock.csv'),
      stock(p, (i) => (i % 10 < 3 ? i + 1000 : i)),
    );
    const within = await run();
    expect(within.code, within.output).toBe(0);
    const afterWithin = quantities(p);
    expect(afterWithin[0]).toBe(1000);
    expect(afterWithin[5]).toBe(5);

    // 90% changed (a broken export zeroing most stock): refused, nothing written.
    const writesBefore = testbed.commerce.state.writes.length;
    writeFileSync(
      join(dir, 'stock.csv'),
      stock(p, (i) => (i % 10 === 9 ? afterWithin[i]! : 0)),
    );
    const refused = await run();
    expect(refused.code, refused.output).toBe(4);
    const record = await lastRun(redis, options);
    expect(record).toMatchObject({ result: 'guardTripped', applied: 0 });
    expect(record.message).toContain(`would change 180 of ${rows} entities`);
    expect(record.message).toContain('guards.maxChangeRatio 0.5');
    expect(testbed.commerce.state.writes.length).toBe(writesBefore);
    expect(quantities(p)).toEqual(afterWithin);

    // Run again without an approval: still refused.
    expect((await run()).code).toBe(4);
    expect(testbed.commerce.state.writes.length).toBe(writesBefore);

    // A person approves: the next run imports the export, once.
    const approved = await run({ SYNCFLOW_APPROVED_RUN: 'ticket-4711' });
    expect(approved.code, approved.output).toBe(0);
    expect(await lastRun(redis, options)).toMatchObject({
      result: 'succeeded',
      approval: 'ticket-4711',
    });
    expect(quantities(p)).toEqual(
      Array.from({ length: rows }, (_, i) => (i % 10 === 9 ? afterWithin[i] : 0)),
    );

    // The approved export is now the base: the same export again changes nothing and passes.
    const again = await run();
    expect(again.code, again.output).toBe(0);
  });
});
