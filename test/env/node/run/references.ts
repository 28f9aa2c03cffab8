// Reads the ConfigMaps and Secrets a container refers to, once per start attempt, and turns
// what is missing into the kubelet's messages (`secret "x" not found`, `couldn't find key k in
// ConfigMap ns/x`), unless the reference is optional.
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { ContainerConfigError } from '../errors.ts';

export type RefKind = 'ConfigMap' | 'Secret';

/** Key → bytes of a ConfigMap (data and binaryData) or a Secret (decoded). */
export type RefData = ReadonlyMap<string, Buffer>;

export interface References {
  /** The object's data, or undefined when it is missing and `optional`. */
  data(kind: RefKind, name: string, optional: boolean): Promise<RefData | undefined>;
  /** One key, or undefined when it (or its object) is missing and `optional`. */
  key(
    kind: RefKind,
    ref: { name?: string | undefined; key: string; optional?: boolean | undefined },
  ): Promise<string | undefined>;
}

function toData(
  entries: Record<string, string> | undefined,
  encoding: BufferEncoding,
): [string, Buffer][] {
  return Object.entries(entries ?? {}).map(([k, v]) => [k, Buffer.from(v, encoding)]);
}

async function fetchData(
  core: CoreV1Api,
  kind: RefKind,
  namespace: string,
  name: string,
): Promise<RefData | undefined> {
  try {
    if (kind === 'Secret') {
      const secret = await core.readNamespacedSecret({ namespace, name });
      return new Map([...toData(secret.data, 'base64'), ...toData(secret.stringData, 'utf8')]);
    }
    const configMap = await core.readNamespacedConfigMap({ namespace, name });
    return new Map([...toData(configMap.data, 'utf8'), ...toData(configMap.binaryData, 'base64')]);
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

export function referencesFor(core: CoreV1Api, namespace: string): References {
  const cache = new Map<string, Promise<RefData | undefined>>();
  const data = async (
    kind: RefKind,
    name: string,
    optional: boolean,
  ): Promise<RefData | undefined> => {
    const cacheKey = `${kind}/${name}`;
    let found = cache.get(cacheKey);
    if (!found) {
      found = fetchData(core, kind, namespace, name);
      cache.set(cacheKey, found);
    }
    const result = await found;
    if (!result && !optional) {
      throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
    }
    return result;
  };
  return {
    data,
    key: async (kind, ref) => {
      const optional = ref.optional ?? false;
      const value = (await data(kind, ref.name ?? '', optional))?.get(ref.key);
      if (value === undefined && !optional) {
        throw new ContainerConfigError(
          `couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name ?? ''}`,
        );
      }
      return value?.toString('utf8');
    },
  };
}
