// Starts a component as a child process that cannot outlive its parent: each child runs under
// `setpriv --pdeathsig SIGKILL`, so even a SIGKILLed test runner leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { EnvironmentError } from './errors.ts';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(spec: ChildSpec): Child {
  const log: WriteStream = createWriteStream(spec.logFile, { flags: 'a' });
  const proc: ChildProcess = spawn(
    'setpriv',
    ['--pdeathsig', 'SIGKILL', '--', spec.command, ...spec.args],
    { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  let running = true;
  const exited = new Promise<number | string>((resolveExit) => {
    proc.once('exit', (code, signal) => {
      running = false;
      resolveExit(code ?? signal ?? 'unknown');
    });
    proc.once('error', () => {
      running = false;
      resolveExit('spawn-error');
    });
  });
  void exited.then(() => log.end());
  if (proc.pid === undefined) {
    throw new EnvironmentError(`could not start ${spec.name} (${spec.command})`);
  }
  const pid = proc.pid;
  return {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    isRunning: () => running,
    stop: async (graceMs = 10_000) => {
      if (!running) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion, output to the log; rejects with the log's tail on failure. */
export async function runToCompletion(spec: ChildSpec): Promise<void> {
  const child = startChild(spec);
  const code = await child.exited;
  if (code !== 0) {
    throw new EnvironmentError(`${spec.name} failed (exit ${String(code)}); see ${spec.logFile}`);
  }
}

export async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) await once(child, 'exit');
}
