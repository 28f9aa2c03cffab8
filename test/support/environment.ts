// The shared environment of the integration project, as provided by test/env/global-setup.ts.
import { inject } from 'vitest';

export interface SharedEnvironment {
  runDir: string;
  kubeconfig: string;
  kubectl: string;
  kafkaBrokers: string[];
  redisUrl: string;
}

export function sharedEnvironment(): SharedEnvironment {
  const { runDir, kubeconfig, kubectl, kafkaBrokers, redisUrl } = inject('env');
  if (!kubeconfig || !kubectl || !kafkaBrokers || !redisUrl) {
    throw new Error('the shared test environment is incomplete');
  }
  return { runDir, kubeconfig, kubectl, kafkaBrokers, redisUrl };
}
