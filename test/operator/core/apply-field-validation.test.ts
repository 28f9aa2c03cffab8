// The operator applies with fieldValidation=Ignore, which spares the apiserver a second, strict
// parse of each body: a field the apiserver does not know still fails the apply, naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMaps, createKubeClient, statusCodeOf } from '../../../operator/kube/client.ts';
import { sharedEnvironment } from '../../support/environment.ts';
import { uniqueName } from '../../support/unique-name.ts';
import { createNamespace, deleteNamespace, kubeConfigFrom } from './gadget-operator.ts';

describe('server-side apply', () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  const namespace = uniqueName('fields');

  beforeAll(() => createNamespace(kc, namespace));
  afterAll(() => deleteNamespace(kc, namespace));

  it('refuses a field the apiserver does not know, naming it, and writes nothing', async () => {
    const client = createKubeClient(kc);
    const intent = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'typo', namespace },
      data: { config: 'yes' },
      dataa: { typo: 'here' },
    };
    const failure = await client.apply(configMaps, intent).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(statusCodeOf(failure)).toBeGreaterThanOrEqual(400);
    expect(String(failure)).toContain('.dataa: field not declared in schema');
    expect(await client.get(configMaps, { namespace, name: 'typo' })).toBeUndefined();
    await client.apply(configMaps, { ...intent, dataa: undefined });
    expect(await client.get(configMaps, { namespace, name: 'typo' })).toMatchObject({
      data: { config: 'yes' },
    });
  });
});
