// Mints a token for a ServiceAccount (TokenRequest API) and writes a kubeconfig that uses it,
// so tests run the operator with exactly the RBAC it ships, not as admin.
import { writeFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  /** Default: one hour. */
  expirationSeconds?: number;
}

export async function mintToken(adminKubeconfig: string, sa: ServiceAccountRef): Promise<string> {
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  const review = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace: sa.namespace,
    name: sa.name,
    body: { spec: { audiences: [], expirationSeconds: sa.expirationSeconds ?? 3600 } },
  });
  const token = review.status?.token;
  if (!token) throw new Error(`no token issued for ServiceAccount ${sa.namespace}/${sa.name}`);
  return token;
}

/** Writes a kubeconfig for the ServiceAccount next to `path` and returns `path`. */
export async function kubeconfigForServiceAccount(
  adminKubeconfig: string,
  sa: ServiceAccountRef,
  path: string,
): Promise<string> {
  const admin = new KubeConfig();
  admin.loadFromFile(adminKubeconfig);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error(`no current cluster in ${adminKubeconfig}`);
  const token = await mintToken(adminKubeconfig, sa);
  const user = `system:serviceaccount:${sa.namespace}:${sa.name}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: { server: cluster.server, 'certificate-authority': cluster.caFile },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: cluster.name, user, namespace: sa.namespace } }],
    'current-context': user,
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
