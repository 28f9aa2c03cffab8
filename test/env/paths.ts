// Where the environment keeps builds (the cache, reused between runs) and runs (logs, data).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const toolsDir = join(repoRoot, 'test/env/tools');

/** Build cache, outside the work tree. Override with SYNCFLOW_CACHE. */
export function cacheDir(): string {
  return process.env['SYNCFLOW_CACHE'] ?? join(homedir(), '.cache/syncflow');
}

/** A fresh run folder: one log per component, data directories, PKI. */
export function newRunDir(): string {
  const base = process.env['SYNCFLOW_RUN_ROOT'] ?? join(tmpdir(), 'syncflow-env');
  const dir = join(
    base,
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 6)}`,
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}
