// The local node keeps serving across an apiserver restart (outage tests stop the apiserver):
// its pod watch reconnects and the pods created afterwards are still served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';
import { clientsFor, restrictedNamespace, restrictedSecurityContext } from './workloads.ts';

describe('local node across an apiserver restart', () => {
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({ kube: true, node: 'simulate', log: () => undefined });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('serves pods created after the apiserver came back', async () => {
    const { core } = clientsFor(env.kubeconfig ?? '');
    const namespace = await restrictedNamespace(core);
    await env.kubeControlPlane?.stopApiserver();
    await env.kubeControlPlane?.startApiserver();
    // A restarted apiserver answers 403 "not yet ready to handle request" for a moment.
    await eventually(() =>
      core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'after' },
          spec: {
            containers: [
              { name: 'main', image: 'any', securityContext: restrictedSecurityContext },
            ],
          },
        },
      }),
    );
    await eventually(
      async () => {
        const pod = await core.readNamespacedPod({ namespace, name: 'after' });
        expect(pod.status?.phase).toBe('Running');
      },
      { timeoutMs: 60_000 },
    );
  });
});
