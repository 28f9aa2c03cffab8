// Builds or fetches the real components into the cache once; later runs find them by stamp.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from './errors.ts';
import { cacheDir, toolsDir } from './paths.ts';
import { prerequisites, requirePrerequisite } from './prerequisites.ts';

const run = promisify(execFile);

export interface Artifacts {
  kubeBinDir: string;
  kafkaLibDir: string;
}

function scriptVar(file: string, pattern: RegExp): string {
  const m = pattern.exec(readFileSync(join(toolsDir, file), 'utf8'));
  if (!m?.[1]) throw new EnvironmentError(`cannot read a version from ${file}`);
  return m[1];
}

/** Where the artifacts land, read from the scripts that make them (one place for versions). */
export function artifactPaths(): Artifacts {
  const k8s = scriptVar('build-k8s.sh', /K8S_VERSION:-([\d.]+)/);
  const etcd = scriptVar('build-k8s.sh', /ETCD_VERSION:-([\d.]+)/);
  const revision = scriptVar('build-k8s.sh', /REVISION=(\d+)/);
  const kafka = scriptVar('kafka/pom.xml', /<kafka.version>([\d.]+)</);
  return {
    kubeBinDir: join(cacheDir(), 'bin', `k8s-${k8s}-etcd-${etcd}-r${revision}`),
    kafkaLibDir: join(cacheDir(), `kafka-${kafka}`, 'lib'),
  };
}

async function runScript(script: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  try {
    await run('bash', [join(toolsDir, script)], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new EnvironmentError(`${script} failed:\n${tail}`, { cause: err });
  }
  log(`${script}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Ensures the binaries and jars are in the cache, building or fetching what is missing. */
export async function ensureArtifacts(
  needs: { kube?: boolean | undefined; kafka?: boolean | undefined },
  log: (line: string) => void,
): Promise<Artifacts> {
  const paths = artifactPaths();
  if (needs.kube && !existsSync(join(paths.kubeBinDir, '.stamp'))) {
    await requirePrerequisite(prerequisites.go);
    log(
      'building kube-apiserver, kube-controller-manager, kube-scheduler and etcd (first run only)',
    );
    await runScript('build-k8s.sh', log);
  }
  if (needs.kafka && !existsSync(join(paths.kafkaLibDir, '..', '.stamp'))) {
    await requirePrerequisite(prerequisites.maven);
    log('fetching the Kafka broker jars from Maven Central (first run only)');
    await runScript('fetch-kafka.sh', log);
  }
  return paths;
}
