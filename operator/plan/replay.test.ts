/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, max-params --
   the tests read deep into the generated Job. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from './plan.ts';
import { jobPhaseOf, planReplay, progressOf, type ReplayPlanInput } from './replay.ts';
import { replayJobNameOf, replaySpecHashOf } from './replay-job.ts';
import { replayStatusPatchFor } from './replay-status.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples', 'acme-distributor');
const documents = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(examples, f), 'utf8')).map((d) => d.toJS() as Manifest),
  );
const connections = documents
  .filter((d) => d.kind === 'SyncConnection')
  .map((d) => ({ name: d.metadata?.name ?? '', spec: d['spec'] }));
const flowDoc = documents.find(
  (d) => d.kind === 'SyncFlow' && d.metadata?.name === 'inventory-fast',
);
const now = Date.UTC(2026, 0, 1, 12);
const spec = {
  flow: 'inventory-fast',
  from: '2026-01-01T06:00:00Z',
  mode: 'reapply',
  source: 'log',
};

function input(more: Partial<Record<keyof ReplayPlanInput, unknown>> = {}): ReplayPlanInput {
  return {
    replay: { namespace: 'acme', name: 'since-six', uid: 'uid-r1', spec },
    flow: {
      metadata: { namespace: 'acme', name: 'inventory-fast', uid: 'uid-f', generation: 1 },
      spec: flowDoc?.['spec'],
    },
    connections,
    settings: { image: 'ghcr.io/syncflow/syncflow:1.0.0', instanceId: 'prod' },
    now,
    ...more,
  } as ReplayPlanInput;
}

const jobWith = (status: Record<string, unknown>): Manifest => ({
  kind: 'Job',
  metadata: { name: 'since-six-replay-x' },
  status,
});

describe('planReplay', () => {
  it('creates one Job running the flow pod as `runtime replay`, owned by the replay, and remembers it', () => {
    const result = planReplay(input());
    const job = result.job as any;
    expect(job.metadata.name).toBe(replayJobNameOf('since-six', spec as never));
    expect(job.metadata.ownerReferences[0]).toMatchObject({
      kind: 'SyncFlowReplay',
      uid: 'uid-r1',
      controller: true,
    });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('inventory-fast');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.volumes.map((v: any) => v.configMap?.name).filter(Boolean)).toEqual([
      'inventory-fast-config',
    ]);
    const container = pod.containers[0];
    expect(container.args).toEqual(['replay']);
    expect(container.ports).toBeUndefined();
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'SYNCFLOW_REPLAY_ID', value: `since-six.${replaySpecHashOf(spec as never)}` },
        { name: 'SYNCFLOW_REPLAY_FROM', value: spec.from },
        { name: 'SYNCFLOW_GATE_MODE', value: 'reapply' },
      ]),
    );
    expect(job.spec.template.metadata.labels['syncflow.io/flow']).toBeUndefined();
    expect(job.spec.podFailurePolicy.rules[0].onExitCodes.values).toEqual([5]);
    expect(result.remember).toEqual({
      uid: 'uid-r1',
      phase: 'Running',
      startedAt: '2026-01-01T12:00:00.000Z',
    });
    expect(result.status.phase).toBe('Pending');
    expect(result.event).toMatchObject({ type: 'Normal', reason: 'ReplayPending' });
  });

  it.each<[string, Partial<Record<keyof ReplayPlanInput, unknown>>, string, RegExp]>([
    ['its flow is missing', { flow: undefined }, 'Pending', /does not exist in namespace acme/],
    [
      'its flow cannot be planned',
      {
        flow: {
          metadata: { namespace: 'acme', name: 'inventory-fast', uid: 'f', generation: 1 },
          spec: { ...(flowDoc?.['spec'] as object), sink: { connection: 'nowhere' } },
        },
      },
      'Pending',
      /cannot be planned/,
    ],
    [
      'its spec is invalid',
      { replay: { namespace: 'acme', name: 'r', uid: 'u', spec: { flow: 'x', from: 'dawn' } } },
      'Failed',
      /spec is invalid: from/,
    ],
  ])('creates no Job when %s', (_name, more, phase, message) => {
    const result = planReplay(input(more));
    expect(result.job).toBeUndefined();
    expect(result.status.phase).toBe(phase);
    expect(result.status.message).toMatch(message);
  });

  it('never runs a name and spec handled by an earlier object again, showing its outcome', () => {
    const result = planReplay(
      input({
        handled: {
          uid: 'uid-old',
          phase: 'Completed',
          startedAt: '2026-01-01T07:00:00.000Z',
          completedAt: '2026-01-01T07:05:00.000Z',
        },
      }),
    );
    expect(result.job).toBeUndefined();
    expect(result.status).toMatchObject({
      phase: 'Completed',
      completedAt: '2026-01-01T07:05:00.000Z',
    });
    expect(result.status.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'AlreadyHandled',
    );
  });

  it('re-creates the Job of its own record (the operator stopped between record and Job)', () => {
    const handled = { uid: 'uid-r1', phase: 'Running' as const, startedAt: 'x' };
    expect(planReplay(input({ handled })).job).toBeDefined();
  });

  it('follows the Job to Completed with the progress, and remembers the outcome', () => {
    const result = planReplay(
      input({
        handled: { uid: 'uid-r1', phase: 'Running', startedAt: 'x' },
        replay: {
          namespace: 'acme',
          name: 'since-six',
          uid: 'uid-r1',
          spec,
          status: { phase: 'Running' },
        },
        job: jobWith({
          startTime: '2026-01-01T11:00:00Z',
          completionTime: '2026-01-01T11:01:00Z',
          conditions: [{ type: 'Complete', status: 'True' }],
        }),
        progress: {
          phase: 'Completed',
          message: 'replayed 4 records',
          recordsIn: '4',
          applied: '3',
          skippedDuplicate: '1',
        },
      }),
    );
    expect(result.status).toMatchObject({
      phase: 'Completed',
      message: 'replayed 4 records',
      startedAt: '2026-01-01T11:00:00.000Z',
      completedAt: '2026-01-01T11:01:00.000Z',
      counts: { read: 4, applied: 3, skipped: 1 },
    });
    expect(result.remember).toMatchObject({ phase: 'Completed', message: 'replayed 4 records' });
    expect(result.event).toMatchObject({ type: 'Normal', reason: 'ReplayCompleted' });
    expect(result.requeueAfterMs).toBeUndefined();
  });

  it('keeps a finished status and creates nothing', () => {
    const status = { phase: 'Completed' as const, message: 'done' };
    const result = planReplay(
      input({ replay: { namespace: 'acme', name: 'since-six', uid: 'uid-r1', spec, status } }),
    );
    expect(result).toEqual({ id: expect.any(String), status });
  });
});

describe('jobPhaseOf', () => {
  it.each<[string, Record<string, unknown>, Record<string, string> | undefined, string, RegExp]>([
    ['a Job not started yet', {}, undefined, 'Pending', /is starting/],
    ['a Job with an active pod', { active: 1 }, undefined, 'Running', /is replaying/],
    ['a running replay before the Job noticed', {}, { phase: 'Running' }, 'Running', /replaying/],
    [
      'a refused replay',
      { conditions: [{ type: 'Failed', status: 'True', message: 'exit 5' }] },
      { phase: 'Failed', message: 'from is before the start of the log' },
      'Failed',
      /before the start of the log/,
    ],
    [
      'a Job failed without progress',
      { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] },
      undefined,
      'Failed',
      /failed: BackoffLimitExceeded/,
    ],
  ])('%s', (_name, status, progress, phase, message) => {
    const result = jobPhaseOf(jobWith(status), progress);
    expect(result.phase).toBe(phase);
    expect(result.message).toMatch(message);
  });
});

describe('progressOf and the status patch', () => {
  it('reads offsets with the offset reached per partition', () => {
    expect(
      progressOf({
        ranges: JSON.stringify([
          { partition: 0, from: 2, to: 5 },
          { partition: 1, from: 0, to: 3 },
        ]),
        'committed:0': '5',
      }).offsets,
    ).toEqual([
      { partition: 0, from: 2, to: 5, committed: 5 },
      { partition: 1, from: 0, to: 3, committed: 0 },
    ]);
    expect(progressOf(undefined)).toEqual({});
  });

  it.each<[string, Record<string, string>, unknown]>([
    ['a poll replay', { from: 'F', cursor: 'C' }, { from: 'F', current: 'C' }],
    ['a batch replay not yet at its first export', { from: 'F', to: 'T' }, { from: 'F', to: 'T' }],
    [
      'a batch replay under way',
      { from: 'F', to: 'T', cursor: 'C' },
      { from: 'F', to: 'T', current: 'C' },
    ],
    ['an event replay', { from: 'F' }, undefined],
  ])('reads the cursor range of %s', (_, hash, cursor) => {
    expect(progressOf(hash).cursor).toEqual(cursor);
  });

  it('patches only what changed, and nothing when nothing did', () => {
    const status = { phase: 'Running' as const, message: 'm' };
    expect(replayStatusPatchFor(status, status)).toBeUndefined();
    expect(replayStatusPatchFor(status, { ...status, phase: 'Completed' })).toEqual({
      phase: 'Completed',
    });
  });
});
