// When each flow's initial sync ended, read from its pods: a CronJob flow's first run ends when
// its first pod succeeds; a Deployment flow (event, poll) starts its work when its first pod is
// Ready. Sticky: once seen, a restart or a later failure does not move it. Pure.
import type { ScaledFlow } from './speed.ts';

export interface PodFacts {
  phase: string | undefined;
  /** When the runtime container ended (Succeeded pods). */
  finishedAtMs: number | undefined;
  /** Since when the pod is Ready (running pods). */
  readySinceMs: number | undefined;
}

export function initialSyncEndOf(
  pattern: ScaledFlow['pattern'],
  pods: readonly PodFacts[],
): number | undefined {
  const times =
    pattern === 'batch'
      ? pods.filter((p) => p.phase === 'Succeeded').map((p) => p.finishedAtMs)
      : pods.map((p) => p.readySinceMs);
  const known = times.filter((t) => t !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

/** The ends seen so far, with any newly observed; an end once seen stays. */
export function withInitialSyncEnds(
  previous: ReadonlyMap<string, number>,
  flows: readonly { name: string; pattern: ScaledFlow['pattern'] }[],
  podsByFlow: ReadonlyMap<string, readonly PodFacts[]>,
): Map<string, number> {
  const next = new Map(previous);
  for (const flow of flows) {
    if (next.has(flow.name)) continue;
    const end = initialSyncEndOf(flow.pattern, podsByFlow.get(flow.name) ?? []);
    if (end !== undefined) next.set(flow.name, end);
  }
  return next;
}
