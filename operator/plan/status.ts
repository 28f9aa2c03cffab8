// The status the operator owns (observedGeneration, pattern, schedule, decision, workload,
// sweep and the Ready/Reconciling/Stalled conditions) and the merge patch that brings the
// current status there — none when nothing changed, so an idle operator writes nothing.
// Conditions keep their lastTransitionTime while their status stays; other writers' conditions
// (LagWithinBudget, LastRunSucceeded, …) are carried over untouched.
import type { Condition, ConditionStatusValue } from '../../crds/conditions.ts';
import type { SyncFlowStatus } from '../../crds/syncflow.ts';

export const ownedConditionTypes = ['Ready', 'Reconciling', 'Stalled'] as const;
export type OwnedConditionType = (typeof ownedConditionTypes)[number];

export interface WantedCondition {
  type: OwnedConditionType;
  status: ConditionStatusValue;
  reason: string;
  message: string;
}

/** The status fields the planner decides; absent ones are cleared. */
export interface OwnedStatus {
  observedGeneration: number;
  pattern?: NonNullable<SyncFlowStatus['pattern']>;
  schedule?: string;
  decision?: string;
  workload?: NonNullable<SyncFlowStatus['workload']>;
  sweep?: NonNullable<SyncFlowStatus['sweep']>;
  /** The `syncflow.io/approve` value handed to the flow's runs. */
  lastHandledApproval?: string;
  conditions: WantedCondition[];
}

const ownedFields = [
  'observedGeneration',
  'pattern',
  'schedule',
  'decision',
  'workload',
  'sweep',
  'lastHandledApproval',
] as const;

export function conditionsFor(
  current: readonly Condition[],
  wanted: readonly WantedCondition[],
  options: { generation: number; now: number },
): Condition[] {
  const byType = new Map(current.map((c) => [c.type, c]));
  const ours: Condition[] = wanted.map((w) => {
    const previous = byType.get(w.type);
    const since =
      previous && previous.status === w.status ? previous.lastTransitionTime : undefined;
    return {
      ...w,
      observedGeneration: options.generation,
      lastTransitionTime: since ?? new Date(options.now).toISOString(),
    };
  });
  const wantedTypes = new Set<string>(wanted.map((w) => w.type));
  return [...ours, ...current.filter((c) => !wantedTypes.has(c.type))];
}

function sameCondition(a: Condition | undefined, b: Condition): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}

function conditionsChanged(current: readonly Condition[], next: readonly Condition[]): boolean {
  const byType = new Map(current.map((c) => [c.type, c]));
  return current.length !== next.length || next.some((c) => !sameCondition(byType.get(c.type), c));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The JSON merge patch of `status` that makes the current status show `desired`, or undefined
 * when it already does. Absent owned fields become null (cleared).
 */
export function statusPatchFor(
  current: SyncFlowStatus | undefined,
  desired: OwnedStatus,
  now: number,
): Record<string, unknown> | undefined {
  const status = current ?? {};
  const conditions = conditionsFor(status.conditions ?? [], desired.conditions, {
    generation: desired.observedGeneration,
    now,
  });
  const patch: Record<string, unknown> = {};
  for (const field of ownedFields) {
    const want = desired[field];
    if (!same(status[field], want)) patch[field] = want ?? null;
  }
  if (conditionsChanged(status.conditions ?? [], conditions)) patch['conditions'] = conditions;
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** The Ready condition of a status, for transition events. */
export function readyOf(status: SyncFlowStatus | undefined): Condition | undefined {
  return status?.conditions?.find((c) => c.type === 'Ready');
}
