// Vitest global setup of the integration project: one real environment for the whole run
// (tests isolate themselves by unique namespaces, topics and Redis prefixes). When
// `npm run env:up` is running, its environment is reused instead. The shared environment has
// a local node in simulate mode (cheap: one watch and a lease); tests that need pods to really
// run start their own environment with `node: 'run'`.
import type { TestProject } from 'vitest/node';
import { runningEnvFile } from './env-file.ts';
import { startEnvironment, type Environment, type EnvironmentInfo } from './start-environment.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    env: EnvironmentInfo;
  }
}

let env: Environment | undefined;

export async function setup(project: TestProject): Promise<void> {
  const running = runningEnvFile();
  if (running) {
    process.stderr.write(`[env] reusing the environment of npm run env:up (${running.runDir})\n`);
    project.provide('env', running);
    return;
  }
  const started = Date.now();
  env = await startEnvironment({ kube: true, kafka: true, redis: true, node: 'simulate' });
  process.stderr.write(`[env] started in ${Date.now() - started} ms: ${env.runDir}\n`);
  const { runDir, kubeconfig, kubectl, kafkaBrokers, redisUrl, node } = env;
  project.provide('env', {
    runDir,
    kubeconfig,
    kubectl,
    kafkaBrokers,
    redisUrl,
    ...(node ? { node: { name: node.name, mode: node.mode, dir: node.dir } } : {}),
  } as EnvironmentInfo);
}

export async function teardown(): Promise<void> {
  await env?.stop();
}
