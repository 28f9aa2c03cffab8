// Probe checks. Liveness (/healthz) fails only when the process is wedged — a probe being answered
// at all proves the event loop turns, and no reconcile may run past a bound — never because the
// apiserver is unreachable (every replica would crash-loop during an outage). Readiness (/readyz)
// means every informer cache has synced once; it does not depend on leadership.
export type Check = () => string | undefined;

export interface HasSynced {
  readonly name: string;
  hasSynced(): boolean;
}

export interface HasWorkers {
  readonly name: string;
  longestRunningMs(): number;
}

export const ping: Check = () => undefined;

export function cachesSynced(informers: () => readonly HasSynced[]): Check {
  return () => {
    const pending = informers().filter((i) => !i.hasSynced());
    return pending.length ? `not synced: ${pending.map((i) => i.name).join(', ')}` : undefined;
  };
}

export function workersNotWedged(controllers: () => readonly HasWorkers[], maxMs: number): Check {
  return () => {
    const stuck = controllers().filter((c) => c.longestRunningMs() > maxMs);
    return stuck.length
      ? `reconcile running over ${maxMs} ms: ${stuck.map((c) => c.name).join(', ')}`
      : undefined;
  };
}

export interface CheckReport {
  ok: boolean;
  body: string;
}

/** Runs every check; the body lists each one as controller-runtime's `?verbose` does. */
export function runChecks(checks: Readonly<Record<string, Check>>): CheckReport {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of Object.entries(checks)) {
    let failure: string | undefined;
    try {
      failure = check();
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    ok &&= failure === undefined;
    lines.push(failure === undefined ? `[+]${name} ok` : `[-]${name} failed: ${failure}`);
  }
  return { ok, body: `${lines.join('\n')}\n${ok ? 'ok' : 'failed'}\n` };
}
