// Which Kubernetes Events a reconcile's outcome deserves: one per transition (stalled, a new
// pattern or workload kind, Ready flipping), never one per reconcile. Pure; the recorder sends them.
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import type { OwnedStatus } from './status.ts';

export interface Transition {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

export interface Outcome {
  stalled?: { reason: string; message: string };
  status: OwnedStatus;
  reason: string;
}

const conditionOf = (status: SyncFlowStatus | undefined, type: string): string | undefined =>
  status?.conditions?.find((c) => c.type === type)?.status;

function readyTransition(before: SyncFlowStatus | undefined, outcome: Outcome): Transition[] {
  const ready = outcome.status.conditions.find((c) => c.type === 'Ready');
  if (!ready || conditionOf(before, 'Ready') === ready.status) return [];
  const isReady = ready.status === 'True';
  return [
    {
      type: isReady ? 'Normal' : 'Warning',
      reason: isReady ? 'Ready' : ready.reason,
      action: 'Observe',
      note: ready.message,
    },
  ];
}

export function transitionsOf(before: SyncFlowStatus | undefined, outcome: Outcome): Transition[] {
  if (outcome.stalled) {
    if (conditionOf(before, 'Stalled') === 'True') return [];
    return [
      { type: 'Warning', reason: 'Stalled', action: 'Validate', note: outcome.stalled.message },
    ];
  }
  const moved =
    before?.workload?.kind !== outcome.status.workload?.kind ||
    before?.pattern !== outcome.status.pattern;
  const planned: Transition[] = moved
    ? [{ type: 'Normal', reason: 'Planned', action: 'Apply', note: outcome.reason }]
    : [];
  return [...planned, ...readyTransition(before, outcome)];
}
