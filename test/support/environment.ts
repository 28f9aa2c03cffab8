// The shared environment of the integration project, as provided by test/env/global-setup.ts.
import { inject } from 'vitest';
import type { EnvironmentInfo } from '../env/start-environment.ts';

export function sharedEnvironment(): Required<Omit<EnvironmentInfo, 'runDir'>> & EnvironmentInfo {
  const env = inject('env');
  if (!env.kubeconfig || !env.kafkaBrokers || !env.redisUrl) {
    throw new Error('the shared test environment is incomplete');
  }
  return {
    ...env,
    kubeconfig: env.kubeconfig,
    kafkaBrokers: env.kafkaBrokers,
    redisUrl: env.redisUrl,
  };
}
