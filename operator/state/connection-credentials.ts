// The credentials and CA bundle of a kafka or redis SyncConnection, read with one `get` per
// referenced Secret or ConfigMap at the moment a client is (re)built. Nothing is listed, watched
// or cached: the caller keeps only a fingerprint to notice a rotation. Values never reach a log.
import { createHash } from 'node:crypto';
import type { SyncConnectionSpec } from '../../crds/connection.ts';
import { configMaps, type KubeClient, type KubernetesObject } from '../kube/client.ts';
import { StateReadError } from './state-errors.ts';

export const secrets = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
} as const;

/** A connection as the informer holds it: its namespace, name and parsed spec. */
export interface ConnectionRef {
  namespace: string;
  name: string;
  spec: SyncConnectionSpec;
}

export interface Credentials {
  username?: string;
  password?: string;
  /** PEM CA bundle to trust besides the system roots. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** Hash of the spec and of every value read: a change means the client must be rebuilt. */
  fingerprint: string;
}

interface DataObject extends KubernetesObject {
  data?: Record<string, string>;
}

type Reader = Pick<KubeClient, 'get'>;

async function secretValue(
  kube: Reader,
  ref: ConnectionRef,
  secret: { name: string; key: string },
): Promise<string | undefined> {
  const object = await kube.get<DataObject>(secrets, {
    namespace: ref.namespace,
    name: secret.name,
  });
  if (!object)
    throw new StateReadError(`connection ${ref.name}: Secret ${secret.name} not found`, {
      cause: undefined,
    });
  const raw = object.data?.[secret.key];
  return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
}

async function caBundleOf(kube: Reader, ref: ConnectionRef): Promise<string | undefined> {
  const bundle = ref.spec.tls?.caBundle;
  if (bundle?.secretRef) return secretValue(kube, ref, bundle.secretRef);
  if (!bundle?.configMapRef) return undefined;
  const { name, key } = bundle.configMapRef;
  const object = await kube.get<DataObject>(configMaps, { namespace: ref.namespace, name });
  if (!object)
    throw new StateReadError(`connection ${ref.name}: ConfigMap ${name} not found`, {
      cause: undefined,
    });
  return object.data?.[key];
}

const optional = <K extends string>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** Reads what a client of `ref` needs; throws StateReadError naming a missing object. */
export async function credentialsOf(kube: Reader, ref: ConnectionRef): Promise<Credentials> {
  const basic = ref.spec.auth?.basic;
  const client = ref.spec.tls?.clientCertificate?.secretRef.name;
  const read = (name: string | undefined, key: string): Promise<string | undefined> =>
    name === undefined ? Promise.resolve(undefined) : secretValue(kube, ref, { name, key });
  const [username, password, ca, cert, key] = await Promise.all([
    basic ? read(basic.secretRef.name, basic.usernameKey) : undefined,
    basic ? read(basic.secretRef.name, basic.passwordKey) : undefined,
    caBundleOf(kube, ref),
    read(client, 'tls.crt'),
    read(client, 'tls.key'),
  ]);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([ref.spec, username, password, ca, cert, key]))
    .digest('hex');
  return {
    ...optional('username', username?.trim()),
    ...optional('password', password?.trim()),
    ...optional('ca', ca),
    ...optional('cert', cert),
    ...optional('key', key),
    fingerprint,
  };
}
