import { describe, expect, it } from 'vitest';
import { childSummary, podStatusOnly, withoutBookkeeping } from './cache-transform.ts';

describe('withoutBookkeeping', () => {
  it('drops managedFields and the last-applied annotation, keeps everything else', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        namespace: 'n',
        resourceVersion: '7',
        labels: { app: 'x' },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}',
          'syncflow.io/intent': 'h1',
        },
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
      data: { k: 'v' },
    };
    expect(withoutBookkeeping(object)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        namespace: 'n',
        resourceVersion: '7',
        labels: { app: 'x' },
        annotations: { 'syncflow.io/intent': 'h1' },
      },
      data: { k: 'v' },
    });
    expect(object.metadata.managedFields).toHaveLength(1);
  });

  it('returns an object without metadata unchanged', () => {
    const object = { kind: 'X' };
    expect(withoutBookkeeping(object)).toBe(object);
  });
});

describe('podStatusOnly', () => {
  it('keeps metadata and status of a pod, not its spec', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'syncflow.io/flow': 'f' }, managedFields: [{}] },
      spec: { containers: [{ name: 'runtime', env: [{ name: 'A', value: 'b' }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(podStatusOnly(pod)).toEqual({
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'syncflow.io/flow': 'f' } },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });
});

describe('childSummary', () => {
  it.each([
    {
      kind: 'ConfigMap',
      object: { kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{}] }, data: { a: 'b' } },
      kept: { kind: 'ConfigMap', metadata: { name: 'c' } },
    },
    {
      kind: 'Deployment',
      object: {
        kind: 'Deployment',
        metadata: { name: 'd', annotations: { 'syncflow.io/intent-hash': 'h' } },
        spec: { replicas: 1, template: { spec: { containers: [] } } },
        status: { availableReplicas: 1 },
      },
      kept: {
        kind: 'Deployment',
        metadata: { name: 'd', annotations: { 'syncflow.io/intent-hash': 'h' } },
        spec: { replicas: 1 },
        status: { availableReplicas: 1 },
      },
    },
    {
      kind: 'CronJob',
      object: {
        kind: 'CronJob',
        metadata: { name: 'j' },
        spec: { schedule: '*/5 * * * *', timeZone: 'UTC', jobTemplate: { spec: {} } },
      },
      kept: {
        kind: 'CronJob',
        metadata: { name: 'j' },
        spec: { schedule: '*/5 * * * *', timeZone: 'UTC' },
      },
    },
  ])('keeps what readiness reads of a $kind', ({ object, kept }) => {
    expect(childSummary(object)).toEqual(kept);
  });
});
