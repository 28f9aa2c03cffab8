import { describe, expect, it } from 'vitest';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import type { OwnedStatus } from './status.ts';
import { transitionsOf } from './transitions.ts';

const at = '2026-01-01T00:00:00Z';
const status = (ready: 'True' | 'False', pattern: 'event' | 'poll' = 'poll'): OwnedStatus => ({
  observedGeneration: 1,
  pattern,
  workload: { kind: pattern === 'event' ? 'Deployment' : 'CronJob', name: 'x' },
  conditions: [
    {
      type: 'Ready',
      status: ready,
      reason: ready === 'True' ? 'Scheduled' : 'Progressing',
      message: 'm',
    },
  ],
});
const problem = (): OwnedStatus => ({
  ...status('False'),
  conditions: [{ type: 'Ready', status: 'False', reason: 'CrashLoopBackOff', message: 'm' }],
});
const written = (s: OwnedStatus): SyncFlowStatus => ({
  ...s,
  conditions: s.conditions.map((c) => ({ ...c, lastTransitionTime: at })),
});

describe('transitionsOf', () => {
  it.each([
    {
      case: 'first plan, not ready yet',
      before: undefined,
      outcome: { status: status('False'), reason: 'r' },
      reasons: ['Planned'],
    },
    {
      case: 'first plan, ready at once: one event',
      before: undefined,
      outcome: { status: status('True'), reason: 'r' },
      reasons: ['Planned'],
    },
    {
      case: 'first plan, a pod problem',
      before: undefined,
      outcome: { status: problem(), reason: 'r' },
      reasons: ['Planned', 'CrashLoopBackOff'],
    },
    {
      case: 'rolls out again',
      before: written(status('True')),
      outcome: { status: status('False'), reason: 'r' },
      reasons: [],
    },
    {
      case: 'becomes ready',
      before: written(status('False')),
      outcome: { status: status('True'), reason: 'r' },
      reasons: ['Ready'],
    },
    {
      case: 'nothing changed',
      before: written(status('True')),
      outcome: { status: status('True'), reason: 'r' },
      reasons: [],
    },
    {
      case: 'pattern moves',
      before: written(status('True')),
      outcome: { status: status('True', 'event'), reason: 'r' },
      reasons: ['Planned'],
    },
    {
      case: 'stalls',
      before: written(status('True')),
      outcome: {
        stalled: { reason: 'InvalidSpec', message: 'm' },
        status: status('False'),
        reason: 'm',
      },
      reasons: ['Stalled'],
    },
    {
      case: 'stays stalled',
      before: {
        conditions: [
          {
            type: 'Stalled',
            status: 'True' as const,
            reason: 'InvalidSpec',
            message: 'm',
            lastTransitionTime: at,
          },
        ],
      },
      outcome: {
        stalled: { reason: 'InvalidSpec', message: 'm' },
        status: status('False'),
        reason: 'm',
      },
      reasons: [],
    },
  ])('$case', ({ before, outcome, reasons }) => {
    expect(transitionsOf(before, outcome).map((t) => t.reason)).toEqual(reasons);
  });

  it('names the readiness in the plan event of a flow that is Ready at once', () => {
    const [event] = transitionsOf(undefined, { status: status('True'), reason: 'poll every 5m' });
    expect(event).toMatchObject({ type: 'Normal', note: 'poll every 5m; ready: m' });
  });
});
