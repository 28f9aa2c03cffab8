// `runtime replay` of a poll flow, as child processes against an ERP double, real Redis and the
// Commerce double: a replay re-reads the rows changed since `from` in a run of its own, with its
// own cursor (the live poll's cursor does not move), through the flow's gate — fillGaps finds
// them applied, reapply brings a restored Commerce back — and completes once.
import { describe, expect, it } from 'vitest';
import { startErpDouble, type ErpDialect, type ErpDouble } from '../doubles/erp/erp-double.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { dialects, type DialectCase } from './poll-dialects.ts';
import { commerceTestbed, spawnRuntime } from './runtime-fixture.ts';
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

async function replay(
  root: string,
  request: { id: string; from: string; mode?: 'reapply' },
): Promise<{ code: number | null; output: string }> {
  const runtime = spawnRuntime(
    root,
    {
      SYNCFLOW_REPLAY_ID: request.id,
      SYNCFLOW_REPLAY_FROM: request.from,
      SYNCFLOW_GATE_MODE: request.mode ?? 'normal',
    },
    'replay',
  );
  const { code } = await runtime.exited;
  return { code, output: runtime.output.join('') };
}

async function pollFlow(): Promise<{ erp: ErpDouble; options: RunFlowOptions; root: string }> {
  const erp = await startErpDouble({
    dialect: dialect.dialect as ErpDialect,
    entity: dialect.entity(),
    bearerToken: erpToken,
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

function odataV4(): DialectCase {
  const found = dialects.find((d) => d.dialect === 'odata-v4');
  if (!found) throw new Error('the OData v4 dialect is missing');
  return found;
}
const dialect = odataV4();

describe('runtime replay of a poll flow', () => {
  it('re-reads the rows changed since from in its own run, leaving the live cursor where it was', async () => {
    const { erp, options, root } = await pollFlow();
    const p = uniqueName('PR');
    const put = (i: number, quantity: number, modifiedMs: number): void => {
      const [key, fields] = dialect.row(p, i, quantity);
      erp.store.put(key, fields, modifiedMs);
    };
    const quantityOf = (i: number): number | undefined =>
      testbed.commerce.state.sourceItem(`${p}-${i}`, 'wh1')?.quantity;
    // ERPs keep change times to the second.
    const now = Math.floor(Date.now() / 1000) * 1000;
    // Rows 0-2 changed an hour ago, rows 3-7 ten minutes ago.
    for (let i = 0; i < 8; i++) put(i, 100 + i, i < 3 ? now - 3_600_000 : now - 600_000 + i * 1000);
    try {
      const live = await runOnce(root, 'poll');
      expect(live.code, live.output).toBe(0);
      for (let i = 0; i < 8; i++) expect(quantityOf(i)).toBe(100 + i);
      const cursorKey = `${flowPrefix(options)}:cursor`;
      const liveCursor = await redis.get(cursorKey);
      expect(liveCursor).toContain('modifiedMs');
      // A Commerce restore loses the writes; the gate still knows them.
      for (let i = 0; i < 8; i++) testbed.commerce.state.deleteSourceItem(`${p}-${i}`, 'wh1');
      const from = new Date(now - 1_200_000).toISOString();

      const gaps = await replay(root, { id: 'gaps.1', from });
      expect(gaps.code, gaps.output).toBe(0);
      const gapsProgress = await redis.hgetall(`${flowPrefix(options)}:replay:gaps.1`);
      expect(gapsProgress).toMatchObject({ phase: 'Completed', recordsIn: '5' });
      expect(gapsProgress['applied'] ?? '0').toBe('0');
      for (let i = 0; i < 8; i++) expect(quantityOf(i)).toBeUndefined();

      const reapply = await replay(root, { id: 'reapply.1', from, mode: 'reapply' });
      expect(reapply.code, reapply.output).toBe(0);
      // Only what changed since from comes back: the rows of an hour ago are not re-read.
      for (let i = 0; i < 3; i++) expect(quantityOf(i)).toBeUndefined();
      for (let i = 3; i < 8; i++) expect(quantityOf(i)).toBe(100 + i);
      const progress = await redis.hgetall(`${flowPrefix(options)}:replay:reapply.1`);
      expect(progress).toMatchObject({ phase: 'Completed', recordsIn: '5', applied: '5' });
      expect(Date.parse(progress['cursor'] ?? '')).toBe(now - 600_000 + 7000);
      expect(progress['message']).toContain(`re-read 5 records`);
      expect(await redis.get(cursorKey)).toBe(liveCursor);

      // The live poll goes on from its own cursor: a new change is applied once, nothing else.
      put(0, 900, Date.now());
      const next = await runOnce(root, 'poll');
      expect(next.code, next.output).toBe(0);
      expect(quantityOf(0)).toBe(900);
      expect(await lastRun(redis, options)).toMatchObject({ result: 'succeeded', applied: 1 });

      // The finished replay is not run again.
      const writes = testbed.commerce.state.writes.length;
      expect((await replay(root, { id: 'reapply.1', from, mode: 'reapply' })).code).toBe(0);
      expect(testbed.commerce.state.writes.length).toBe(writes);
      expect(testbed.commerce.violations).toEqual([]);
    } finally {
      await erp.close();
    }
  });
});
