// Building blocks of the local node's tests: API clients for a kubeconfig, a namespace per
// test, and containers that run the fixtures of test/fixtures/ the way the project's image
// would (`node dist/test/fixtures/<name>.js`), with the restricted pod security profile.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Container,
  type V1EnvVar,
} from '@kubernetes/client-node';
import { uniqueName } from '../support/unique-name.ts';

export interface Clients {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
}

export function clientsFor(kubeconfig: string): Clients {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return {
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    batch: config.makeApiClient(BatchV1Api),
  };
}

/** A fresh namespace that enforces the restricted Pod Security Standard. */
export async function restrictedNamespace(core: CoreV1Api): Promise<string> {
  const name = uniqueName('node');
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  await core.createNamespace({ body: { metadata: { name, labels } } });
  return name;
}

export const projectImage = 'ghcr.io/syncflow/syncflow:test';

/** What the operator sets on every container: accepted, and ignored by local processes. */
export const restrictedSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function fixtureContainer(
  fixture: string,
  options: { args?: string[]; env?: V1EnvVar[] } = {},
): V1Container {
  return {
    name: 'main',
    image: projectImage,
    command: ['node', `dist/test/fixtures/${fixture}.js`],
    args: options.args ?? [],
    env: options.env ?? [],
    securityContext: restrictedSecurityContext,
  };
}

export const podLabels = (app: string): Record<string, string> => ({ app });
