import { describe, expect, it } from 'vitest';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { statusPatchFor, type OwnedStatus } from './status.ts';

const t0 = Date.UTC(2026, 0, 1);
const t1 = t0 + 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const desired: OwnedStatus = {
  observedGeneration: 2,
  pattern: 'poll',
  schedule: '*/15 * * * *',
  decision: 'maxLag 30m is between 2m and 1h: poll every 15m',
  workload: { kind: 'CronJob', name: 'x' },
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Scheduled', message: 'CronJob x runs' },
    { type: 'Reconciling', status: 'False', reason: 'Scheduled', message: 'up to date' },
    { type: 'Stalled', status: 'False', reason: 'Planned', message: 'ok' },
  ],
};

const written = (now: number): SyncFlowStatus => {
  const patch = statusPatchFor(undefined, desired, now)!;
  return patch;
};

describe('statusPatchFor', () => {
  it.each([
    { case: 'first write', current: undefined, changed: true },
    { case: 'identical status (other conditions kept)', current: written(t0), changed: false },
  ])('$case', ({ current, changed }) => {
    expect(statusPatchFor(current, desired, t1) !== undefined).toBe(changed);
  });

  it('keeps lastTransitionTime while a condition keeps its status', () => {
    const next: OwnedStatus = {
      ...desired,
      conditions: desired.conditions.map((c) =>
        c.type === 'Ready' ? { ...c, message: 'other' } : c,
      ),
    };
    const patch = statusPatchFor(written(t0), next, t1)!;
    const ready = (
      patch['conditions'] as { type: string; lastTransitionTime: string; message: string }[]
    ).find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ message: 'other', lastTransitionTime: iso(t0) });
    expect(Object.keys(patch)).toEqual(['conditions']);
  });

  it('a status transition takes the new time', () => {
    const next: OwnedStatus = {
      ...desired,
      conditions: desired.conditions.map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False' } : c,
      ),
    };
    const patch = statusPatchFor(written(t0), next, t1)!;
    const ready = (patch['conditions'] as { type: string; lastTransitionTime: string }[]).find(
      (c) => c.type === 'Ready',
    );
    expect(ready?.lastTransitionTime).toBe(iso(t1));
  });

  it('clears fields the plan no longer sets and carries other writers’ conditions', () => {
    const lag = {
      type: 'LagWithinBudget',
      status: 'True' as const,
      reason: 'Measured',
      message: '3s',
      lastTransitionTime: iso(t0),
    };
    const current = { ...written(t0), conditions: [...written(t0).conditions!, lag] };
    const event: OwnedStatus = {
      ...desired,
      pattern: 'event',
      workload: { kind: 'Deployment', name: 'x' },
    };
    delete event.schedule;
    const patch = statusPatchFor(current, event, t1)!;
    expect(patch).toMatchObject({
      pattern: 'event',
      schedule: null,
      workload: { kind: 'Deployment', name: 'x' },
    });
    expect(patch['conditions']).toBeUndefined();
    const withStalled: OwnedStatus = {
      ...event,
      conditions: [{ type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'm' }],
    };
    const conditions = statusPatchFor(current, withStalled, t1)!['conditions'] as {
      type: string;
    }[];
    expect(conditions.map((c) => c.type)).toEqual([
      'Stalled',
      'Ready',
      'Reconciling',
      'LagWithinBudget',
    ]);
  });
});
