// Which Kubernetes Events a reconcile's outcome deserves: one per transition (stalled, a new
// pattern or workload kind, Ready flipping), never one per reconcile or per step. A workload still
// rolling out (Ready=False, Progressing) is a step, not news; a plan that is Ready at once (a
// CronJob is scheduled as soon as it is applied) says both in one event. Pure; the recorder sends
// them.
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
  if (!isReady && ready.reason === 'Progressing') return [];
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
  const ready = readyTransition(before, outcome);
  return moved ? withPlanned(outcome.reason, ready) : ready;
}

/** The Planned event; a flow Ready at the same time says so in it rather than in a second one. */
function withPlanned(reason: string, ready: Transition[]): Transition[] {
  const planned: Transition = { type: 'Normal', reason: 'Planned', action: 'Apply', note: reason };
  const [first] = ready;
  if (first?.type === 'Normal') return [{ ...planned, note: `${reason}; ready: ${first.note}` }];
  return [planned, ...ready];
}
