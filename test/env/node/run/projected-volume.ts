// The files of configMap, secret, downwardAPI and projected volumes (the last also carries the
// ServiceAccount token, the cluster CA and the namespace of `kube-api-access-*`), as the
// kubelet would write them: all keys, or only `items`, with their modes.
import type {
  CoreV1Api,
  V1DownwardAPIVolumeFile,
  V1KeyToPath,
  V1Pod,
  V1ProjectedVolumeSource,
  V1ServiceAccountTokenProjection,
  V1Volume,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { ContainerConfigError } from '../errors.ts';
import { fieldValue } from './field-ref.ts';
import type { References, RefKind } from './references.ts';

/** Relative path → content and file mode. */
export type VolumeFiles = Map<string, { content: Buffer; mode: number }>;

export interface ProjectionContext {
  pod: V1Pod;
  core: CoreV1Api;
  refs: References;
}

const defaultMode = 0o644;

interface KeySource {
  kind: RefKind;
  name: string;
  optional: boolean;
  items: V1KeyToPath[] | undefined;
}

async function keyFiles(
  source: KeySource,
  mode: number,
  ctx: ProjectionContext,
): Promise<VolumeFiles> {
  const files: VolumeFiles = new Map();
  const data = await ctx.refs.data(source.kind, source.name, source.optional);
  if (!data) return files;
  if (!source.items) {
    for (const [key, content] of data) files.set(key, { content, mode });
    return files;
  }
  for (const item of source.items) {
    const content = data.get(item.key);
    if (content) files.set(item.path, { content, mode: item.mode ?? mode });
    else if (!source.optional) {
      throw new ContainerConfigError(
        `${source.kind.toLowerCase()} references non-existent ${source.kind === 'Secret' ? 'secret' : 'config'} key: ${item.key}`,
      );
    }
  }
  return files;
}

function downwardFiles(items: V1DownwardAPIVolumeFile[], mode: number, pod: V1Pod): VolumeFiles {
  const files: VolumeFiles = new Map();
  for (const item of items) {
    if (!item.fieldRef) {
      throw new ContainerConfigError(
        `downwardAPI ${item.path}: only fieldRef is supported on the local node`,
      );
    }
    files.set(item.path, {
      content: Buffer.from(fieldValue(pod, item.fieldRef.fieldPath)),
      mode: item.mode ?? mode,
    });
  }
  return files;
}

interface KeyRef {
  name?: string | undefined;
  secretName?: string | undefined;
  optional?: boolean | undefined;
  items?: V1KeyToPath[] | undefined;
}

const keySource = (kind: RefKind, ref: KeyRef): KeySource => ({
  kind,
  name: ref.name ?? ref.secretName ?? '',
  optional: ref.optional ?? false,
  items: ref.items,
});

function tokenRequestFor(pod: V1Pod, projection: V1ServiceAccountTokenProjection): object {
  const { name = '', uid = '' } = pod.metadata ?? {};
  return {
    spec: {
      audiences: projection.audience ? [projection.audience] : [],
      expirationSeconds: projection.expirationSeconds ?? 3600,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
    },
  };
}

async function tokenFile(
  projection: V1ServiceAccountTokenProjection,
  mode: number,
  ctx: ProjectionContext,
): Promise<VolumeFiles> {
  const account = ctx.pod.spec?.serviceAccountName ?? 'default';
  try {
    const request = await ctx.core.createNamespacedServiceAccountToken({
      name: account,
      namespace: ctx.pod.metadata?.namespace ?? '',
      body: tokenRequestFor(ctx.pod, projection),
    });
    const content = Buffer.from(request.status?.token ?? '');
    return new Map([[projection.path, { content, mode }]]);
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) {
      throw new ContainerConfigError(`serviceaccount "${account}" not found`, { cause: err });
    }
    throw err;
  }
}

async function projectionPart(
  source: V1VolumeProjection,
  mode: number,
  ctx: ProjectionContext,
): Promise<VolumeFiles> {
  if (source.configMap) return keyFiles(keySource('ConfigMap', source.configMap), mode, ctx);
  if (source.secret) return keyFiles(keySource('Secret', source.secret), mode, ctx);
  if (source.downwardAPI) return downwardFiles(source.downwardAPI.items ?? [], mode, ctx.pod);
  if (source.serviceAccountToken) return tokenFile(source.serviceAccountToken, mode, ctx);
  throw new ContainerConfigError(
    'projected volumes support configMap, secret, downwardAPI and serviceAccountToken sources on the local node',
  );
}

async function projectionFiles(
  projected: V1ProjectedVolumeSource,
  ctx: ProjectionContext,
): Promise<VolumeFiles> {
  const files: VolumeFiles = new Map();
  for (const source of projected.sources ?? []) {
    const part = await projectionPart(source, projected.defaultMode ?? defaultMode, ctx);
    for (const [path, file] of part) files.set(path, file);
  }
  return files;
}

/** The files of a volume of these kinds, or undefined for any other kind. */
export async function projectedFiles(
  volume: V1Volume,
  ctx: ProjectionContext,
): Promise<VolumeFiles | undefined> {
  const { configMap, secret, downwardAPI, projected } = volume;
  if (configMap) {
    return keyFiles(keySource('ConfigMap', configMap), configMap.defaultMode ?? defaultMode, ctx);
  }
  if (secret) return keyFiles(keySource('Secret', secret), secret.defaultMode ?? defaultMode, ctx);
  if (downwardAPI) {
    return downwardFiles(downwardAPI.items ?? [], downwardAPI.defaultMode ?? defaultMode, ctx.pod);
  }
  return projected ? projectionFiles(projected, ctx) : undefined;
}
