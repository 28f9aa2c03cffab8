// The conditions the lag refresh owns, merged into the status's list the way Kubernetes expects:
// lastTransitionTime moves only when a condition's status changes, and every other writer's
// conditions (Ready, Reconciling, Stalled) are kept as they are.
import type { Condition, ConditionStatusValue } from '../../crds/conditions.ts';

export const lagConditionTypes = [
  'LagWithinBudget',
  'LastRunSucceeded',
  'SchemaDrift',
  'GuardTripped',
] as const;
export type LagConditionType = (typeof lagConditionTypes)[number];

export interface WantedLagCondition {
  type: LagConditionType;
  status: ConditionStatusValue;
  reason: string;
  message: string;
}

/** The status list with `wanted` set; conditions of other types keep their place and value. */
export function mergeConditions(
  current: readonly Condition[],
  wanted: readonly WantedLagCondition[],
  options: { generation: number | undefined; now: number },
): Condition[] {
  const byType = new Map(current.map((c) => [c.type, c]));
  const wantedTypes = new Set<string>(wanted.map((w) => w.type));
  const ours: Condition[] = wanted.map((w) => {
    const previous = byType.get(w.type);
    const since =
      previous && previous.status === w.status ? previous.lastTransitionTime : undefined;
    return {
      ...w,
      ...(options.generation !== undefined ? { observedGeneration: options.generation } : {}),
      lastTransitionTime: since ?? new Date(options.now).toISOString(),
    };
  });
  return [...current.filter((c) => !wantedTypes.has(c.type)), ...ours];
}

/** A change of status or reason of any wanted condition: written at once, never throttled. */
export function hasConditionTransition(
  current: readonly Condition[],
  wanted: readonly WantedLagCondition[],
): boolean {
  const byType = new Map(current.map((c) => [c.type, c]));
  return wanted.some((w) => {
    const c = byType.get(w.type);
    return c?.status !== w.status || c.reason !== w.reason;
  });
}

/** Only a message (or generation) differs: a fast-moving detail, throttled like the numbers. */
export function hasConditionDetailChange(
  current: readonly Condition[],
  wanted: readonly WantedLagCondition[],
  generation: number | undefined,
): boolean {
  const byType = new Map(current.map((c) => [c.type, c]));
  return wanted.some((w) => {
    const c = byType.get(w.type);
    return (
      c?.message !== w.message || (generation !== undefined && c.observedGeneration !== generation)
    );
  });
}
