import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { ManualClock } from '../clock.ts';
import type { FlowFacts } from '../lag/lag-status.ts';
import type { FlowStateRequest } from '../state/flow-state.ts';
import { FlowMetrics } from './flow-metrics.ts';
import { lagLoopKeys, lagLoopReconciler, type FlowLag } from './lag-loop.ts';
import type { ReconcileContext } from './reconcile.ts';
import type { SyncFlowObject } from './syncflow-reconcile.ts';

const spec = {
  flow: 'inventory',
  entity: 'sourceItem',
  maxLag: '5m',
  source: {
    connection: 'erp',
    odata: { entitySet: 'Stock', keyFields: ['Material'], modifiedField: 'ChangedAt' },
  },
  mapping: { fields: { sku: { path: 'Material', type: 'string' } } },
  sink: { connection: 'commerce' },
  state: { connection: 'redis' },
};

const unreachable: FlowFacts = {
  problems: [{ source: 'redis', message: 'read Redis of connection redis: ENOTFOUND' }],
};

function setUp(
  status: SyncFlowStatus | undefined,
  options: { deleted?: boolean; spec?: Record<string, unknown> } = {},
) {
  const reads: FlowStateRequest[] = [];
  const queued: string[] = [];
  const lag: FlowLag = {
    reader: {
      read: (request) => {
        reads.push(request);
        return Promise.resolve(unreachable);
      },
    },
    metrics: new FlowMetrics(new Registry()),
    instanceId: 'test',
    clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')),
    allowances: new Map(),
    measured: new Map(),
    refreshMs: 10_000,
  };
  const flow: SyncFlowObject = {
    metadata: { namespace: 'ns', name: 'f', generation: 1 },
    spec: options.spec ?? spec,
    ...(status ? { status } : {}),
  };
  const reconcile = lagLoopReconciler({
    lag,
    flows: { get: () => (options.deleted ? undefined : flow) },
    connections: { list: () => [] },
    reconcileFlow: (key) => queued.push(key),
  });
  const run = () => reconcile({ key: 'ns/f', namespace: 'ns', name: 'f' }, {} as ReconcileContext);
  return { lag, reads, queued, run };
}

describe('the lag loop', () => {
  it('reads a new flow for the pattern its plan will choose and keeps the facts for its first reconcile', async () => {
    const { lag, reads, queued, run } = setUp(undefined);
    expect(await run()).toEqual({ requeueAfterMs: 10_000 });
    // maxLag 5m on an OData source: a poll.
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ pattern: 'poll', stateConnection: 'redis' });
    expect(lag.measured.get('ns/f')).toEqual({ pattern: 'poll', facts: unreachable });
    // Its first reconcile is queued already: handing it over again would only repeat it.
    expect(queued).toEqual([]);
    expect(lag.allowances.size).toBe(0);
  });

  it('does not read a new flow whose spec cannot be planned, nor a stalled flow', async () => {
    const invalid = setUp(undefined, { spec: { ...spec, maxLag: 'soon' } });
    await invalid.run();
    const stalled = setUp({
      observedGeneration: 1,
      conditions: [
        {
          type: 'Stalled',
          status: 'True',
          reason: 'InvalidSpec',
          message: 'maxLag: write a duration',
          observedGeneration: 1,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(await stalled.run()).toEqual({ requeueAfterMs: 10_000 });
    expect([...invalid.reads, ...stalled.reads]).toEqual([]);
    expect(invalid.lag.measured.size + stalled.lag.measured.size).toBe(0);
  });

  it('reads a planned flow, keeps the facts and hands it to the reconcile when a condition changes', async () => {
    const { lag, reads, queued, run } = setUp({ pattern: 'poll', observedGeneration: 1 });
    expect(await run()).toEqual({ requeueAfterMs: 10_000 });
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ pattern: 'poll', stateConnection: 'redis' });
    expect(lag.measured.get('ns/f')).toEqual({ pattern: 'poll', facts: unreachable });
    expect(queued).toEqual(['ns/f']);
    // Looking does not spend the flow's write allowance: the reconcile that writes does.
    expect(lag.allowances.size).toBe(0);
  });

  it('does not hand the flow over when its status already says what was read', async () => {
    const conditions = [
      {
        type: 'LagWithinBudget',
        status: 'Unknown' as const,
        reason: 'StateUnreachable',
        message: unreachable.problems[0]!.message,
        observedGeneration: 1,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ];
    const { queued, run } = setUp({ pattern: 'poll', observedGeneration: 1, conditions });
    await run();
    expect(queued).toEqual([]);
  });

  it('forgets a deleted flow', async () => {
    const { lag, run } = setUp(undefined, { deleted: true });
    lag.measured.set('ns/f', { pattern: 'poll', facts: unreachable });
    lag.allowances.set('ns/f', { tokens: 1, atMs: 0 });
    expect(await run()).toEqual({});
    expect(lag.measured.size).toBe(0);
    expect(lag.allowances.size).toBe(0);
  });

  it.each([
    { type: 'added' as const, keys: ['ns/f'] },
    { type: 'modified' as const, keys: [] },
    { type: 'deleted' as const, keys: ['ns/f'] },
  ])('a flow $type enters the loop: $keys', ({ type, keys }) => {
    expect(lagLoopKeys({ type, object: { metadata: { namespace: 'ns', name: 'f' } } })).toEqual(
      keys,
    );
  });
});
