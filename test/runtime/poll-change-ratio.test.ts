// `guards.maxChangeRatio` on a poll flow, run as CronJob ticks (child processes) against the
// OData v4 double, the Commerce double and real Redis: a delta holding most of the entities the
// flow already wrote stops with GuardTripped and writes nothing until a run is approved; rows
// the overlap window re-reads unchanged are not changes.
import { describe, expect, it } from 'vitest';
import { startErpDouble } from '../doubles/erp/erp-double.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { dialects } from './poll-dialects.ts';
import { erpToken, lastRun, runOnce, writeRunRoot, type RunFlowOptions } from './run-fixture.ts';
import { commerceTestbed } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceTestbed(env.redisUrl);
const { redis } = testbed;

const odata = (() => {
  const dialect = dialects.find((d) => d.dialect === 'odata-v4');
  if (!dialect) throw new Error('no odata-v4 dialect');
  return dialect;
})();

/** A poll flow over ten OData v4 rows (pages of 5), guarded at `maxChangeRatio`. */
async function guardedPoll(name: string, maxChangeRatio: number) {
  const erp = await startErpDouble({
    dialect: 'odata-v4',
    entity: odata.entity(),
    bearerToken: erpToken,
  });
  const options: RunFlowOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName(name),
    redisUrl: env.redisUrl,
    commerceUrl: testbed.commerce.url,
    source: odata.source,
    connection: { type: odata.connectionType, url: erp.url },
    fields: odata.fields,
    mode: 'poll',
    guards: { maxChangeRatio },
  };
  const p = uniqueName('Q');
  return {
    erp,
    options,
    root: writeRunRoot(options),
    /** Writes row i of the ten with `onHand` at `modifiedMs`. */
    put: (i: number, onHand: number, modifiedMs: number) =>
      erp.store.put(...odata.row(p, i, onHand), modifiedMs),
    quantity: (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity,
    writes: (i: number): number =>
      testbed.commerce.state.writesOf('sourceItem', `${p}-${i}|wh1`).length,
  };
}

describe('runtime poll with guards.maxChangeRatio', () => {
  it('stops a delta changing 90% of the entities until a run is approved', async () => {
    const { erp, options, root, put, quantity } = await guardedPoll('pollratio', 0.5);
    try {
      const base = Date.now() - 60_000;
      for (let i = 0; i < 10; i++) put(i, 100 + i, base);
      // The first poll has nothing to protect.
      expect((await runOnce(root, 'poll')).code).toBe(0);
      expect(quantity(9)).toBe(109);

      for (let i = 0; i < 9; i++) put(i, 0, base + 10_000);
      const writesBefore = testbed.commerce.state.writes.length;
      const refused = await runOnce(root, 'poll');
      expect(refused.code, refused.output).toBe(4);
      const record = await lastRun(redis, options);
      expect(record).toMatchObject({ result: 'guardTripped', applied: 0 });
      expect(record.message).toContain('of 10 entities');
      expect(testbed.commerce.state.writes.length).toBe(writesBefore);
      expect(quantity(0)).toBe(100);

      const approved = await runOnce(root, 'poll', { SYNCFLOW_APPROVED_RUN: 'change-77' });
      expect(approved.code, approved.output).toBe(0);
      expect(await lastRun(redis, options)).toMatchObject({
        result: 'succeeded',
        approval: 'change-77',
      });
      for (let i = 0; i < 9; i++) expect(quantity(i)).toBe(0);
      expect(quantity(9)).toBe(109);
    } finally {
      await erp.close();
    }
  });

  it('counts what the gate would write, not the overlap re-reads', async () => {
    // Pages of 5: the delta below spans two, and its count says 10 rows.
    const { erp, options, root, put, quantity, writes } = await guardedPoll('pollquiet', 0.3);
    try {
      // All ten change within the 2-minute overlap window, so every later poll re-reads them.
      const base = Date.now() - 60_000;
      for (let i = 0; i < 10; i++) put(i, 100 + i, base);
      expect((await runOnce(root, 'poll')).code).toBe(0);

      // Two real changes; the eight others are re-read unchanged: 8 rows > 0.3 · 10, 2 changes not.
      put(3, 33, base + 10_000);
      put(7, 77, base + 10_000);
      const quiet = await runOnce(root, 'poll');
      expect(quiet.code, quiet.output).toBe(0);
      expect(await lastRun(redis, options)).toMatchObject({
        result: 'succeeded',
        records: 10,
        applied: 2,
        skipped: 8,
      });
      expect([quantity(3), quantity(7)]).toEqual([33, 77]);
      for (const i of [0, 1, 2, 4, 5, 6, 8, 9]) expect(writes(i), `entity ${i}`).toBe(1);

      // A real mass change behind the same overlap: stopped, nothing written.
      for (let i = 0; i < 9; i++) put(i, 1, base + 20_000);
      const writesBefore = testbed.commerce.state.writes.length;
      const refused = await runOnce(root, 'poll');
      expect(refused.code, refused.output).toBe(4);
      const record = await lastRun(redis, options);
      expect(record).toMatchObject({ result: 'guardTripped', applied: 0 });
      expect(record.message).toMatch(/the poll would change (at least )?\d+ of 10 entities/);
      expect(record.message).toContain('syncflow.io/approve');
      expect(testbed.commerce.state.writes.length).toBe(writesBefore);
      expect(quantity(0)).toBe(100);

      const approved = await runOnce(root, 'poll', { SYNCFLOW_APPROVED_RUN: 'mass-1' });
      expect(approved.code, approved.output).toBe(0);
      expect(await lastRun(redis, options)).toMatchObject({
        result: 'succeeded',
        approval: 'mass-1',
        applied: 9,
      });
      for (let i = 0; i < 9; i++) expect(quantity(i), `entity ${i}`).toBe(1);
      expect(quantity(9)).toBe(109);
      expect(writes(9)).toBe(1);

      // The annotation still carries the used token: the next mass change is stopped, saying so.
      for (let i = 0; i < 9; i++) put(i, 2, base + 30_000);
      const again = await runOnce(root, 'poll', { SYNCFLOW_APPROVED_RUN: 'mass-1' });
      expect(again.code, again.output).toBe(4);
      expect((await lastRun(redis, options)).message).toContain(
        'the token mass-1 released an earlier run',
      );
      expect(quantity(0)).toBe(1);
    } finally {
      await erp.close();
    }
  });
});
