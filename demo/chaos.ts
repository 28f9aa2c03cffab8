// --chaos: every period one flow's runtime process is SIGKILLed, as an OOM kill or a node loss
// would; the local node restarts it as its pod's restartPolicy says. The victim rotates over the
// flows that have a runtime process now, so each one is hit in turn.
import type { NodeProcess } from '../test/env/node/node-pods.ts';

/** The process to kill at the `round`-th strike: pure, so the rotation is testable. */
export function victimOf(
  processes: readonly NodeProcess[],
  namespace: string,
  round: number,
): NodeProcess | undefined {
  const runtimes = processes
    .filter((p) => p.namespace === namespace && p.container === 'runtime')
    .sort((a, b) => a.pod.localeCompare(b.pod));
  // One victim per flow (a pod name is `<flow>-<hash>…`), in a stable order.
  const flows = [...new Set(runtimes.map((p) => flowOfPod(p.pod)))].sort();
  const flow = flows[round % Math.max(1, flows.length)];
  return runtimes.find((p) => flowOfPod(p.pod) === flow);
}

/** `credit-5c4777954b-kd8p8` → `credit`; a Job's pod `x-29123456-abcde` → `x`. */
export function flowOfPod(pod: string): string {
  return pod.replace(/(-[a-z0-9]{8,10})?-[a-z0-9]{5}$/, '').replace(/-\d{8,}$/, '');
}

export interface Chaos {
  stop(): void;
}

export function startChaos(options: {
  everyMs: number;
  namespace: string;
  processes: () => NodeProcess[];
  kill: (pid: number) => void;
  log: (line: string) => void;
  /** No kill from then on (the end of --duration): the verdict judges a recovered system. */
  untilMs: number;
  nowMs: () => number;
}): Chaos {
  let round = 0;
  const timer = setInterval(() => {
    if (options.nowMs() >= options.untilMs) return;
    const victim = victimOf(options.processes(), options.namespace, round);
    round += 1;
    if (victim === undefined) return;
    try {
      options.kill(victim.pid);
      options.log(`chaos: SIGKILLed the runtime of pod ${victim.pod} (pid ${victim.pid})`);
    } catch {
      // it ended by itself meanwhile: nothing to kill this round
    }
  }, options.everyMs);
  return { stop: () => clearInterval(timer) };
}
