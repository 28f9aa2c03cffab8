// What every part of the planner reads: the flow, the pattern decision, the resolved connections
// and the operator's settings, frozen before the first part runs.
import type { SyncConnectionSpec } from '../../crds/connection.ts';
import type { SyncFlowSpec } from '../../crds/syncflow.ts';
import type { PatternDecision } from './pattern.ts';

export interface FlowIdentity {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
}

/** Deterministic child names, derived from the flow's name only. */
export interface ChildNames {
  configMap: string;
  serviceAccount: string;
  /** The Deployment or the CronJob running the flow (one kind at a time). */
  workload: string;
  sweep: string;
  initialSyncJob: string;
}

/** create: the flow is new, start its one-off Job; none: never (again). */
export type InitialSyncAction = 'create' | 'none';

export interface OperatorSettings {
  /** The operator's own image; every flow pod runs it. */
  image: string;
  /** Prefixes the runtime's Redis keys and consumer groups. */
  instanceId: string;
}

/**
 * Annotation a person sets on a SyncFlow to release a run a guard stopped (GuardTripped), as in
 * Flux's `reconcile.fluxcd.io/requestedAt`: its value is a token (a ticket, a time); the runtime
 * lets one guarded run through per token it has not seen before.
 */
export const approveAnnotation = 'syncflow.io/approve';

export interface PlanContext {
  flow: FlowIdentity;
  /** The flow's `syncflow.io/approve` annotation, passed to its poll and batch runs. */
  approval: string | undefined;
  spec: SyncFlowSpec;
  decision: PatternDecision;
  /** The connections the flow names, by name (the validator made sure they exist). */
  connections: Readonly<Record<string, SyncConnectionSpec>>;
  settings: OperatorSettings;
  names: ChildNames;
  initialSync: InitialSyncAction;
}

export function childNamesFor(flowName: string): ChildNames {
  return {
    configMap: `${flowName}-config`,
    serviceAccount: flowName,
    workload: flowName,
    sweep: `${flowName}-sweep`,
    initialSyncJob: `${flowName}-initial-sync`,
  };
}

/** Deep-freezes the context so that no part can write to what the next part reads. */
export function frozen<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) frozen(child);
  }
  return value;
}
