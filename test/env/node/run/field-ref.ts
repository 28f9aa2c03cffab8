// The downward API's fieldRef paths, for env vars and downwardAPI volume files.
import type { V1Pod } from '@kubernetes/client-node';
import { ContainerConfigError } from '../errors.ts';
import { localIp } from '../pod-worker.ts';

const mapEntry = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** `key="value"` lines, as the kubelet writes a whole labels/annotations map to a file. */
const mapFile = (map: Record<string, string> | undefined): string =>
  Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n');

export function fieldValue(pod: V1Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const entry = mapEntry.exec(fieldPath);
  if (entry?.[1] && entry[2]) {
    const map = entry[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[entry[2]] ?? '';
  }
  const fields: Record<string, () => string> = {
    'metadata.name': () => meta.name ?? '',
    'metadata.namespace': () => meta.namespace ?? '',
    'metadata.uid': () => meta.uid ?? '',
    'metadata.labels': () => mapFile(meta.labels),
    'metadata.annotations': () => mapFile(meta.annotations),
    'spec.nodeName': () => pod.spec?.nodeName ?? '',
    'spec.serviceAccountName': () => pod.spec?.serviceAccountName ?? '',
    'status.hostIP': () => localIp,
    'status.hostIPs': () => localIp,
    'status.podIP': () => localIp,
    'status.podIPs': () => localIp,
  };
  const field = fields[fieldPath];
  if (!field) throw new ContainerConfigError(`unsupported fieldRef ${fieldPath} on the local node`);
  return field();
}
