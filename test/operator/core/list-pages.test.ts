// A list larger than one page: the apiserver answers `limit` items and a `continue` token, and
// the client must follow it. Missing it, the operator saw only the first 500 SyncFlows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMaps, createKubeClient } from '../../../operator/kube/client.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { uniqueName } from '../../support/unique-name.ts';
import { createNamespace, deleteNamespace, kubeConfigFrom } from './gadget-operator.ts';

describe('list', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('pages');

  beforeAll(() => createNamespace(kc, namespace));
  afterAll(() => deleteNamespace(kc, namespace));

  it('returns every object across pages, with the first page’s resourceVersion', async () => {
    const client = createKubeClient(kc);
    const names = Array.from({ length: 7 }, (_, i) => `cm-${i}`);
    for (const name of names) {
      await client.create(configMaps, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, labels: { paged: 'yes' } },
      });
    }
    const list = await client.list(configMaps, {
      namespace,
      labelSelector: 'paged=yes',
      pageSize: 2,
    });
    expect(list.items.map((i) => i.metadata?.name).sort()).toEqual(names);
    expect(Number(list.resourceVersion)).toBeGreaterThan(0);
  });
});
