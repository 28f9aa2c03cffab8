// README examples are tests: the SyncFlow at the top of README.md is accepted by the real
// apiserver with the committed CRDs and by the semantic validator's schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { syncFlowSchema } from '../crds/syncflow.ts';
import {
  createDryRun,
  createNamespace,
  deleteNamespace,
  installCrds,
  kubeConfigFrom,
  repositoryRoot,
} from './api/api-server.ts';
import type { Manifest } from './api/manifests.ts';
import { sharedEnvironment } from './support/environment.ts';
import { uniqueName } from './support/unique-name.ts';

function readmeSyncFlow(): Manifest {
  const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no yaml block');
  return parse(block) as Manifest;
}

describe('README', () => {
  const kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
  const namespace = uniqueName();

  beforeAll(async () => {
    await installCrds(kc);
    await createNamespace(kc, namespace);
  });
  afterAll(() => deleteNamespace(kc, namespace));

  it('shows a SyncFlow the apiserver accepts', async () => {
    const flow = readmeSyncFlow();
    expect(flow.kind).toBe('SyncFlow');
    expect(syncFlowSchema.safeParse(flow).success).toBe(true);
    await expect(createDryRun(kc, namespace, flow)).resolves.toBeDefined();
  });
});
