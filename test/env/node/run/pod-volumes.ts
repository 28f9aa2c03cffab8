// A pod's volumes as files in its folder, and each container's mounts as symlinks under the
// container's root folder (`SYNCFLOW_ROOT`): a mount at /etc/syncflow becomes
// `<root>/etc/syncflow` → `<pod>/volumes/<volume>`. ConfigMap, Secret, projected and
// downwardAPI volumes are rewritten at every container start; emptyDir keeps its content for
// the pod's life; hostPath points at the host path itself.
import type { CoreV1Api, V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ContainerConfigError } from '../errors.ts';
import { projectedFiles, type VolumeFiles } from './projected-volume.ts';
import type { References } from './references.ts';

export interface VolumeContext {
  pod: V1Pod;
  core: CoreV1Api;
  refs: References;
  podDir: string;
}

const volumesDir = (podDir: string): string => join(podDir, 'volumes');

function writeVolume(dir: string, files: VolumeFiles): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, file] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
}

async function materialise(volume: V1Volume, ctx: VolumeContext): Promise<void> {
  const dir = join(volumesDir(ctx.podDir), volume.name);
  if (volume.emptyDir) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  if (volume.hostPath) return;
  const files = await projectedFiles(volume, ctx);
  if (!files) {
    throw new ContainerConfigError(
      `volume "${volume.name}": only configMap, secret, projected, downwardAPI, emptyDir and hostPath volumes are supported on the local node`,
    );
  }
  writeVolume(dir, files);
}

/** Writes every volume of the pod; throws ContainerConfigError while a reference is missing. */
export async function materialiseVolumes(ctx: VolumeContext): Promise<void> {
  for (const volume of ctx.pod.spec?.volumes ?? []) {
    try {
      await materialise(volume, ctx);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${volume.name}" : ${err.message}`,
        { cause: err },
      );
    }
  }
}

function replaceWithSymlink(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    lstatSync(target);
    rmSync(target, { recursive: true, force: true });
  } catch {
    // nothing there yet
  }
  symlinkSync(source, target);
}

/** Links each of the container's mounts under `rootDir`. */
export function mountVolumes(
  pod: V1Pod,
  container: V1Container,
  podDir: string,
  rootDir: string,
): void {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) throw new ContainerConfigError(`volume "${mount.name}" is not defined in the pod`);
    const base = volume.hostPath?.path ?? join(volumesDir(podDir), volume.name);
    replaceWithSymlink(join(base, mount.subPath ?? ''), join(rootDir, mount.mountPath));
  }
}
