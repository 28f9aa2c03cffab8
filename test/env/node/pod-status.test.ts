// The kubelet's phase and condition rules, table-driven (pure: no server needed).
import { describe, expect, it } from 'vitest';
import { phaseFor, podStatusFor, type ContainerRecord, type ContainerState } from './pod-status.ts';

const record = (state: ContainerState, extra: Partial<ContainerRecord> = {}): ContainerRecord => ({
  name: 'c',
  image: 'i',
  state,
  ready: false,
  started: false,
  restartCount: 0,
  ...extra,
});
const running = record({ running: { startedAtMs: 0 } });
const waiting = record({ waiting: { reason: 'CreateContainerConfigError' } });
const exited = (exitCode: number): ContainerRecord =>
  record({ terminated: { exitCode, reason: 'x', startedAtMs: 0, finishedAtMs: 1 } });
const crashLooping = record(
  { waiting: { reason: 'CrashLoopBackOff' } },
  { lastTerminated: { exitCode: 1, reason: 'Error', startedAtMs: 0, finishedAtMs: 1 } },
);

describe('phaseFor', () => {
  it.each([
    ['a container that never started', 'Always', [waiting], 'Pending'],
    ['a running container', 'Never', [running], 'Running'],
    ['one running, one never started', 'Always', [running, waiting], 'Pending'],
    ['a crash-looping container', 'Always', [crashLooping], 'Running'],
    ['exit 0 under Always', 'Always', [exited(0)], 'Running'],
    ['exit 0 under Never', 'Never', [exited(0)], 'Succeeded'],
    ['exit 0 under OnFailure', 'OnFailure', [exited(0)], 'Succeeded'],
    ['exit 1 under Never', 'Never', [exited(1)], 'Failed'],
    ['exit 1 under OnFailure (restarting)', 'OnFailure', [exited(1)], 'Running'],
    ['one exited 0, one exited 1, Never', 'Never', [exited(0), exited(1)], 'Failed'],
    ['one exited, one running', 'Never', [exited(0), running], 'Running'],
  ] as const)('%s → %s', (_what, policy, containers, phase) => {
    expect(phaseFor(policy, containers)).toBe(phase);
  });
});

describe('podStatusFor', () => {
  const base = {
    restartPolicy: 'Always' as const,
    startTimeMs: 0,
    ip: '127.0.0.1',
    previousConditions: [],
    previousPhase: undefined,
    nowMs: 5_000,
  };
  const ready = (status: ReturnType<typeof podStatusFor>) =>
    status.conditions.find((c) => c.type === 'Ready');

  it('is Ready only when every container is ready, naming the others', () => {
    const one = { ...running, name: 'a', ready: true };
    const other = { ...running, name: 'b' };
    expect(ready(podStatusFor({ ...base, containers: [one, other] }))).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [b]',
    });
    expect(ready(podStatusFor({ ...base, containers: [one] }))?.status).toBe('True');
  });

  it('keeps a condition transition time while its status holds, and moves it on change', () => {
    const previousConditions = [
      { type: 'Ready', status: 'True', lastTransitionTime: '1970-01-01T00:00:01.000Z' },
    ];
    const same = podStatusFor({
      ...base,
      previousConditions,
      containers: [{ ...running, ready: true }],
    });
    expect(ready(same)?.lastTransitionTime).toBe('1970-01-01T00:00:01.000Z');
    const changed = podStatusFor({ ...base, previousConditions, containers: [running] });
    expect(ready(changed)?.lastTransitionTime).toBe('1970-01-01T00:00:05.000Z');
  });

  it('never leaves a terminal phase, and a completed pod is not Ready', () => {
    const status = podStatusFor({ ...base, previousPhase: 'Succeeded', containers: [running] });
    expect(status.phase).toBe('Succeeded');
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});
