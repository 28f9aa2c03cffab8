// Runs one probe of a container periodically, as the kubelet's prober worker: after
// initialDelaySeconds, every periodSeconds; the result turns to success after successThreshold
// successes in a row and to failure after failureThreshold failures in a row.
import type { V1Probe } from '@kubernetes/client-node';
import { probeOnce, type ProbeTarget } from './probe.ts';

export interface Prober {
  stop(): void;
}

export interface ProberOptions {
  probe: V1Probe;
  target: ProbeTarget;
  /** The result before the first verdict (readiness: false, liveness: true). */
  initial: boolean;
  /** Called when the result changes. */
  onResult(ok: boolean): void;
}

export function startProber(options: ProberOptions): Prober {
  const { probe, target } = options;
  const periodMs = (probe.periodSeconds ?? 10) * 1000;
  const successThreshold = probe.successThreshold ?? 1;
  const failureThreshold = probe.failureThreshold ?? 3;
  let result = options.initial;
  let streak = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    const ok = await probeOnce(probe, target);
    if (stopped) return;
    streak = ok === result ? 0 : streak + 1;
    if (streak >= (ok ? successThreshold : failureThreshold)) {
      result = ok;
      streak = 0;
      options.onResult(ok);
    }
    timer = setTimeout(() => void tick(), periodMs);
  };
  timer = setTimeout(() => void tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
