// Volumes: the flow's ConfigMap at /etc/syncflow; per connection with files, one projected volume
// at its secretDir holding the auth Secret's keys, the CA bundle as tls/ca.crt and a client
// certificate as tls/tls.crt + tls/tls.key (projected, not subPath, so rotations reach running
// pods); an emptyDir at /tmp because the root filesystem is read-only.
import type { SyncConnectionSpec } from '../../../crds/connection.ts';
import { connectionNamesOf, flowConfigKey, secretDirFor } from '../../../crds/flow-config.ts';
import type { Draft } from '../draft.ts';
import type { Volume, VolumeMount } from '../manifest.ts';
import type { PlanContext } from '../plan-context.ts';
import { hasSecretFiles } from './config-map.ts';

export const configMountPath = '/etc/syncflow';
export const caBundlePath = 'tls/ca.crt';

function authSecretOf(connection: SyncConnectionSpec): string | undefined {
  const auth = connection.auth;
  return (auth?.basic ?? auth?.bearer ?? auth?.oauth1 ?? auth?.oauth2)?.secretRef.name;
}

function projectionsFor(connection: SyncConnectionSpec): unknown[] {
  const sources: unknown[] = [];
  const auth = authSecretOf(connection);
  if (auth !== undefined) sources.push({ secret: { name: auth } });
  const ca = connection.tls?.caBundle;
  if (ca?.secretRef)
    sources.push({
      secret: { name: ca.secretRef.name, items: [{ key: ca.secretRef.key, path: caBundlePath }] },
    });
  if (ca?.configMapRef)
    sources.push({
      configMap: {
        name: ca.configMapRef.name,
        items: [{ key: ca.configMapRef.key, path: caBundlePath }],
      },
    });
  const cert = connection.tls?.clientCertificate?.secretRef.name;
  if (cert !== undefined) {
    const items = ['tls.crt', 'tls.key'].map((key) => ({ key, path: `tls/${key}` }));
    sources.push({ secret: { name: cert, items } });
  }
  return sources;
}

function connectionVolumes(ctx: Readonly<PlanContext>): { volume: Volume; mount: VolumeMount }[] {
  const result: { volume: Volume; mount: VolumeMount }[] = [];
  for (const name of connectionNamesOf(ctx.spec)) {
    const spec = ctx.connections[name];
    if (spec === undefined || !hasSecretFiles(spec)) continue;
    const volumeName = `connection-${result.length}`;
    result.push({
      volume: {
        name: volumeName,
        projected: { defaultMode: 0o440, sources: projectionsFor(spec) },
      },
      mount: { name: volumeName, mountPath: secretDirFor(name).replace(/\/$/, ''), readOnly: true },
    });
  }
  return result;
}

export function volumes(ctx: Readonly<PlanContext>, draft: Draft): void {
  const perConnection = connectionVolumes(ctx);
  draft.eachPodSpec((spec) => {
    spec.volumes.push(
      {
        name: 'config',
        configMap: {
          name: ctx.names.configMap,
          items: [{ key: flowConfigKey, path: flowConfigKey }],
        },
      },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      ...perConnection.map((c) => structuredClone(c.volume)),
    );
    for (const c of spec.containers) {
      c.volumeMounts.push(
        { name: 'config', mountPath: configMountPath, readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        ...perConnection.map((p) => ({ ...p.mount })),
      );
    }
  });
}
