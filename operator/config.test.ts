import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flagOptions, helpText, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toEqual({
      namespace: '',
      instanceId: 'default',
      image: 'syncflow:dev',
      metricsPort: 8080,
      probePort: 8081,
      leaderElection: true,
      leaseNamespace: 'default',
      leaseName: 'syncflow-operator',
      maxConcurrentReconciles: 8,
      shutdownGracePeriodMs: 25_000,
      requestTimeoutMs: 30_000,
      lagRefreshMs: 10_000,
      lagConcurrency: 4,
      logLevel: 'info',
    });
  });

  it.each([
    { name: 'env', env: { SYNCFLOW_PROBE_PORT: '9000' }, flags: {}, expected: { probePort: 9000 } },
    {
      name: 'flag wins over env',
      env: { SYNCFLOW_PROBE_PORT: '9000' },
      flags: { 'probe-port': '9001' },
      expected: { probePort: 9001 },
    },
    {
      name: 'leader election off',
      env: {},
      flags: { 'leader-elect': 'false' },
      expected: { leaderElection: false },
    },
    {
      name: 'lease namespace from POD_NAMESPACE',
      env: { POD_NAMESPACE: 'ops' },
      flags: { namespace: 'team' },
      expected: { leaseNamespace: 'ops' },
    },
    {
      name: 'lease namespace from the watched namespace',
      env: {},
      flags: { namespace: 'team' },
      expected: { leaseNamespace: 'team' },
    },
    {
      name: 'explicit lease namespace',
      env: { POD_NAMESPACE: 'ops' },
      flags: { 'lease-namespace': 'x' },
      expected: { leaseNamespace: 'x' },
    },
  ])('$name', ({ env, flags, expected }) => {
    expect(loadConfig(env, flags)).toMatchObject(expected);
  });

  it('lists every invalid setting at once', () => {
    const error = (() => {
      try {
        loadConfig(
          { SYNCFLOW_METRICS_PORT: 'x', SYNCFLOW_LEADER_ELECT: 'yes' },
          { 'instance-id': 'Bad_Id' },
        );
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(z.ZodError);
    const paths = (error as z.ZodError).issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['instanceId', 'leaderElection', 'metricsPort']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('documents every flag in --help', () => {
    const help = helpText();
    for (const flag of Object.keys(flagOptions()).filter((f) => f !== 'help'))
      expect(help).toContain(`--${flag}`);
  });
});
