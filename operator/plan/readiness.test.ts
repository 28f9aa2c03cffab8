import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifest.ts';
import { cronJobReadiness, deploymentReadiness, podProblemsOf } from './readiness.ts';

const deployment = (status: Record<string, number>, generation = 2, replicas = 2): Manifest => ({
  kind: 'Deployment',
  metadata: { name: 'd', generation },
  spec: { replicas },
  status,
});
const waitingPod = (name: string, reason: string, message: string): Manifest => ({
  metadata: { name },
  status: { containerStatuses: [{ name: 'runtime', state: { waiting: { reason, message } } }] },
});

describe('deploymentReadiness', () => {
  it.each([
    {
      case: 'all available',
      status: { observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 },
      ready: true,
      reason: 'Available',
      message: 'Deployment d: 2/2 pods available',
    },
    {
      case: 'rollout not observed yet',
      status: { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2 },
      ready: false,
      reason: 'Progressing',
      message: 'Deployment d: 2/2 pods available',
    },
    {
      case: 'one pod missing',
      status: { observedGeneration: 2, updatedReplicas: 2, availableReplicas: 1 },
      ready: false,
      reason: 'Progressing',
      message: 'Deployment d: 1/2 pods available',
    },
    {
      case: 'no status',
      status: {},
      ready: false,
      reason: 'Progressing',
      message: 'Deployment d: 0/2 pods available',
    },
  ])('$case', ({ status, ready, reason, message }) => {
    expect(deploymentReadiness(deployment(status), [])).toMatchObject({ ready, reason, message });
  });

  it('names the missing Secret of a pod that cannot start', () => {
    const problems = podProblemsOf([
      waitingPod('d-1', 'CreateContainerConfigError', 'secret "erp-sap-credentials" not found'),
    ]);
    const readiness = deploymentReadiness(deployment({ observedGeneration: 2 }), problems);
    expect(readiness).toEqual({
      ready: false,
      progressing: false,
      reason: 'CreateContainerConfigError',
      message:
        'Deployment d: 0/2 pods available; pod d-1: CreateContainerConfigError: secret "erp-sap-credentials" not found',
    });
  });

  it('says why the Deployment cannot create pods', () => {
    const failing = {
      ...deployment({ observedGeneration: 2 }),
      status: {
        observedGeneration: 2,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            message: 'no PriorityClass with name syncflow-critical was found',
          },
        ],
      },
    };
    expect(deploymentReadiness(failing, [])).toMatchObject({
      ready: false,
      reason: 'ReplicaFailure',
      message:
        'Deployment d: 0/2 pods available; ReplicaFailure: no PriorityClass with name syncflow-critical was found',
    });
  });
});

describe('podProblemsOf', () => {
  it.each([
    {
      case: 'crash loop',
      pod: waitingPod('p', 'CrashLoopBackOff', 'back-off 10s'),
      reasons: ['CrashLoopBackOff'],
    },
    { case: 'still creating', pod: waitingPod('p', 'ContainerCreating', ''), reasons: [] },
    {
      case: 'unschedulable',
      pod: {
        metadata: { name: 'p' },
        status: {
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes',
            },
          ],
        },
      },
      reasons: ['Unschedulable'],
    },
  ])('$case', ({ pod, reasons }) => {
    expect(podProblemsOf([pod]).map((p) => p.reason)).toEqual(reasons);
  });
});

describe('cronJobReadiness', () => {
  const cronJob: Manifest = {
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { schedule: '0 * * * *', timeZone: 'UTC' },
  };
  it('is Ready once it exists, unless its pods have problems', () => {
    expect(cronJobReadiness(cronJob, [])).toMatchObject({
      ready: true,
      reason: 'Scheduled',
      message: 'CronJob c runs on "0 * * * *" (UTC)',
    });
    expect(
      cronJobReadiness(cronJob, [
        { reason: 'CrashLoopBackOff', message: 'pod x: CrashLoopBackOff' },
      ]),
    ).toMatchObject({ ready: false, reason: 'CrashLoopBackOff' });
  });
});
