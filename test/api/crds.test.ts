// The generated CRDs in the real apiserver: they install, `kubectl get sf` shows the documented
// columns from spec and status, the status subresource works, and `kubectl explain` reads the
// descriptions written in the zod schemas.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiException,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  createNamespace,
  deleteNamespace,
  installCrds,
  kubeConfigFrom,
  repositoryRoot,
} from './api-server.ts';
import { readManifestFile } from './manifests.ts';

const run = promisify(execFile);

describe('the SyncFlow CRDs in a real apiserver', () => {
  let kc: KubeConfig;
  let namespace: string;
  const cacheDir = mkdtempSync(join(tmpdir(), 'sf-kubectl-'));

  async function kubectl(...args: string[]): Promise<string> {
    const { kubectl: bin, kubeconfig } = sharedEnvironment();
    const { stdout } = await run(bin, [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      cacheDir,
      ...args,
    ]);
    return stdout;
  }

  beforeAll(async () => {
    kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
    await installCrds(kc);
    namespace = uniqueName('api');
    await createNamespace(kc, namespace);
  });

  afterAll(async () => {
    await deleteNamespace(kc, namespace);
  });

  it('installs the three kinds with their short names and category', async () => {
    const crds = await installCrds(kc);
    expect(
      crds.map((crd) => [
        crd.spec.names.kind,
        crd.spec.names.shortNames,
        crd.spec.names.categories,
      ]),
    ).toEqual([
      ['SyncConnection', ['sfc'], ['syncflow-all']],
      ['SyncFlow', ['sf'], ['syncflow-all']],
      ['SyncFlowReplay', ['sfr'], ['syncflow-all']],
    ]);
  });

  it('shows flow, entity, pattern, lag, budget and ready in `kubectl get sf`', async () => {
    const examples = join(repositoryRoot, 'examples', 'acme-distributor');
    const [flow] = readManifestFile(join(examples, 'flow-credit.yaml')).objects;
    if (!flow) throw new Error('no flow in the example');
    const objects = kc.makeApiClient(CustomObjectsApi);
    const target = { group: 'syncflow.io', version: 'v1alpha1', namespace, plural: 'syncflows' };
    await objects.createNamespacedCustomObject({ ...target, body: flow });
    const status = {
      pattern: 'event',
      lag: { seconds: 12, budgetSeconds: 90 },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'WorkloadReady',
          message: 'continuous poller running',
          lastTransitionTime: '2025-03-14T06:00:00Z',
        },
      ],
    };
    await objects.patchNamespacedCustomObjectStatus(
      { ...target, name: flow.metadata.name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const table = await eventually(async () => {
      const out = await kubectl('get', 'sf', '-n', namespace);
      expect(out).toMatch(/^NAME\s+FLOW\s+ENTITY\s+PATTERN\s+LAG\s+BUDGET\s+READY\s+AGE\n/);
      return out;
    });
    expect(table.split('\n')[1]).toMatch(
      /^credit\s+credit\s+companyCredit\s+event\s+12\s+90s\s+True\s+\d+s$/,
    );
  });

  it('lists connections with their type and URL, and everything under the category', async () => {
    const examples = join(repositoryRoot, 'examples', 'acme-distributor');
    const connections = readManifestFile(join(examples, 'connections.yaml')).objects;
    const objects = kc.makeApiClient(CustomObjectsApi);
    for (const body of connections) {
      await objects.createNamespacedCustomObject({
        group: 'syncflow.io',
        version: 'v1alpha1',
        namespace,
        plural: 'syncconnections',
        body,
      });
    }
    const out = await kubectl('get', 'sfc', 'erp-sap', '-n', namespace);
    expect(out).toMatch(
      /^NAME\s+TYPE\s+URL\s+AGE\nerp-sap\s+odata-v2\s+https:\/\/s4\.acme\.example\/sap\/opu\/odata\/sap\s+\d+s\n$/,
    );
    const all = await eventually(async () =>
      kubectl('get', 'syncflow-all', '-n', namespace, '-o', 'name'),
    );
    expect(all).toContain('syncflow.syncflow.io/credit');
    expect(all).toContain('syncconnection.syncflow.io/erp-sap');
  });

  it('explains maxLag with its meaning, units and how it picks the pattern', async () => {
    const out = await eventually(() => kubectl('explain', 'syncflow.spec.maxLag'), {
      timeoutMs: 60_000,
    });
    expect(out).toContain('FIELD: maxLag <string>');
    expect(out.replace(/\s+/g, ' ')).toContain(
      'The business budget: the longest a change may take from the source to the sink, as a duration such as 60s, 5m, 1h or 24h.',
    );
    expect(out).toMatch(/under 2m\s+event-driven/);
  });

  it('explains the replay kind field by field', async () => {
    const out = await eventually(() => kubectl('explain', 'sfr.spec'), { timeoutMs: 60_000 });
    expect(out).toMatch(/from\s+<string> -required-/);
    expect(out).toMatch(/mode\s+<string>/);
    expect(out).toContain('fillGaps');
  });

  it('refuses to change a replay once created: it is a one-off command', async () => {
    const examples = join(repositoryRoot, 'examples', 'acme-distributor', 'replay');
    const [replay] = readManifestFile(join(examples, 'inventory-fast-since-0600.yaml')).objects;
    if (!replay) throw new Error('no replay in the example');
    const objects = kc.makeApiClient(CustomObjectsApi);
    const target = {
      group: 'syncflow.io',
      version: 'v1alpha1',
      namespace,
      plural: 'syncflowreplays',
    };
    await objects.createNamespacedCustomObject({ ...target, body: replay });
    const error = await objects
      .patchNamespacedCustomObject(
        { ...target, name: replay.metadata.name, body: { spec: { mode: 'reapply' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(ApiException);
    expect(String((error as ApiException<string>).body)).toContain(
      'cannot be changed: create a new one',
    );
    await objects.patchNamespacedCustomObjectStatus(
      { ...target, name: replay.metadata.name, body: { status: { phase: 'Running' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const out = await kubectl('get', 'sfr', '-n', namespace);
    expect(out).toMatch(
      /^NAME\s+FLOW\s+PHASE\s+FROM\s+AGE\ninventory-fast-since-0600\s+inventory-fast\s+Running\s+2025-03-14T06:00:00-05:00\s+\d+s\n$/,
    );
  });
});
