// The test side of the API against the real apiserver: installs the generated CRDs exactly as
// committed, and creates objects with a server-side dry run and strict field validation (what
// `kubectl apply` does by default), so nothing is stored.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { eventually } from '../support/eventually.ts';
import type { Manifest } from './manifests.ts';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

const plurals: Record<string, string> = {
  SyncFlow: 'syncflows',
  SyncConnection: 'syncconnections',
  SyncFlowReplay: 'syncflowreplays',
};

export function kubeConfigFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Server-side applies crds/*.yaml and waits until each is Established. */
export async function installCrds(kc: KubeConfig): Promise<V1CustomResourceDefinition[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const files = ['syncconnection.yaml', 'syncflow.yaml', 'syncflowreplay.yaml'];
  const crds = files.map(
    (file) =>
      parse(readFileSync(join(repositoryRoot, 'crds', file), 'utf8')) as V1CustomResourceDefinition,
  );
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    await api.patchCustomResourceDefinition(
      { name, body: crd, fieldManager: 'syncflow-api-tests', force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }
  return Promise.all(
    crds.map((crd) =>
      eventually(async () => {
        const got = await api.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
        const established = got.status?.conditions?.find((c) => c.type === 'Established');
        if (established?.status !== 'True')
          throw new Error(`${got.metadata?.name} is not established`);
        return got;
      }),
    ),
  );
}

/** Creates `object` in `namespace` as a server-side dry run with strict field validation. */
export async function createDryRun(
  kc: KubeConfig,
  namespace: string,
  object: Manifest,
): Promise<unknown> {
  const options = { namespace, dryRun: 'All', fieldValidation: 'Strict' };
  if (object.kind === 'Secret') {
    return kc.makeApiClient(CoreV1Api).createNamespacedSecret({ ...options, body: object });
  }
  const plural = plurals[object.kind];
  if (plural === undefined) throw new Error(`no dry run for kind ${object.kind}`);
  const [group = '', version = ''] = object.apiVersion.split('/');
  return kc
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({ ...options, group, version, plural, body: object });
}

export async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).deleteNamespace({ name });
}
