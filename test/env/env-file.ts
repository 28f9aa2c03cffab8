// .syncflow-env.json: how `npm run env:up` tells other commands and tests where things are.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import type { EnvironmentInfo } from './start-environment.ts';

/** Override with SYNCFLOW_ENV_FILE (tests of env:up use their own file). */
export const envFilePath = process.env['SYNCFLOW_ENV_FILE'] ?? join(repoRoot, '.syncflow-env.json');

export interface EnvFile extends EnvironmentInfo {
  pid: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readEnvFile(): EnvFile | undefined {
  if (!existsSync(envFilePath)) return undefined;
  return JSON.parse(readFileSync(envFilePath, 'utf8')) as EnvFile;
}

/** The environment of a running `npm run env:up`, if there is one. */
export function runningEnvFile(): EnvFile | undefined {
  const file = readEnvFile();
  return file && isAlive(file.pid) ? file : undefined;
}

export function writeEnvFile(file: EnvFile): void {
  writeFileSync(envFilePath, `${JSON.stringify(file, null, 2)}\n`);
}

export function removeEnvFile(): void {
  rmSync(envFilePath, { force: true });
}
