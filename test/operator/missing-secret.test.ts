// A flow whose connection Secret does not exist: on a node that really starts containers (run
// mode), its pod waits with CreateContainerConfigError and the flow is not Ready, its condition
// naming the missing Secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import { syncFlows } from '../../operator/controller/syncflow-resources.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { installCrds, kubeConfigFrom } from '../api/api-server.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  adminClient,
  createAll,
  exampleObjects,
  operatorServiceAccount,
  startSyncFlowOperator,
  type Manifest,
  type RunningOperator,
} from './syncflow-operator.ts';

describe('a flow whose connection Secret is missing', () => {
  let env: Environment;
  let operator: RunningOperator | undefined;
  const namespace = uniqueName('secret');

  beforeAll(async () => {
    env = await startEnvironment({ kube: true, node: 'run' });
    const kubeconfig = env.kubeconfig!;
    await installCrds(kubeConfigFrom(kubeconfig));
    const admin = adminClient(kubeconfig);
    await admin.create(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    );
    const access = await operatorServiceAccount(kubeconfig, env.runDir);
    operator = startSyncFlowOperator({ kubeconfig: access.kubeconfig, namespace });
  }, 300_000);

  afterAll(async () => {
    await operator?.stop();
    await env?.stop();
  });

  it('is not Ready and its Ready message names the Secret', async () => {
    const admin = adminClient(env.kubeconfig!);
    // Every Secret but the NetSuite token the credit flow (a continuous poller) reads with.
    const secrets = exampleObjects('secrets.yaml').filter(
      (s) => s.metadata?.name !== 'erp-netsuite-tba',
    );
    await createAll(admin, namespace, [...secrets, ...exampleObjects('connections.yaml')]);
    await createAll(admin, namespace, exampleObjects('flow-credit.yaml'));
    await eventually(
      async () => {
        const got = await admin.get<Manifest & { status?: SyncFlowStatus }>(syncFlows, {
          namespace,
          name: 'credit',
        });
        const ready = got?.status?.conditions?.find((c) => c.type === 'Ready');
        expect(ready).toMatchObject({ status: 'False', reason: 'CreateContainerConfigError' });
        expect(ready?.message).toContain('secret "erp-netsuite-tba" not found');
      },
      { timeoutMs: 90_000 },
    );
  }, 180_000);
});
