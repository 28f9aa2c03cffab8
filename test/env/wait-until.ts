// Polls a readiness check until it passes, the process dies, or the deadline passes.
import type { Child } from './child-process.ts';
import { EnvironmentError } from './errors.ts';

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  child?: Child;
}

export async function waitUntil(
  check: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.child && !options.child.isRunning()) {
      throw new EnvironmentError(
        `${options.what}: process exited early; see ${options.child.logFile}`,
      );
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
  const where = options.child ? `; see ${options.child.logFile}` : '';
  throw new EnvironmentError(`${options.what}: not ready after ${options.timeoutMs} ms${where}`, {
    cause: lastError,
  });
}
