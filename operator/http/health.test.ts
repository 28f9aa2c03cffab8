import { describe, expect, it } from 'vitest';
import { cachesSynced, ping, runChecks, workersNotWedged } from './health.ts';

describe('probe checks', () => {
  it.each([
    { name: 'all synced', synced: [true, true], ok: true },
    { name: 'one pending', synced: [true, false], ok: false },
    { name: 'no informers', synced: [], ok: true },
  ])('readiness: $name', ({ synced, ok }) => {
    const informers = synced.map((s, i) => ({ name: `i${i}`, hasSynced: () => s }));
    const report = runChecks({ informers: cachesSynced(() => informers) });
    expect(report.ok).toBe(ok);
    if (!ok) expect(report.body).toContain('[-]informers failed: not synced: i1');
  });

  it.each([
    { runningMs: 0, ok: true },
    { runningMs: 120_000, ok: true },
    { runningMs: 120_001, ok: false },
  ])('liveness with a reconcile running for $runningMs ms → ok=$ok', ({ runningMs, ok }) => {
    const controllers = [{ name: 'controller/x', longestRunningMs: () => runningMs }];
    expect(runChecks({ ping, workers: workersNotWedged(() => controllers, 120_000) }).ok).toBe(ok);
  });

  it('a throwing check fails instead of breaking the probe', () => {
    const report = runChecks({
      broken: () => {
        throw new Error('nope');
      },
    });
    expect(report).toEqual({ ok: false, body: '[-]broken failed: nope\nfailed\n' });
  });
});
