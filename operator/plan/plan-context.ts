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

export interface PlanContext {
  flow: FlowIdentity;
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
