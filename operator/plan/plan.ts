// The planner (entry of plan/): from a SyncFlow, the connections of its namespace, its observed
// children and pods, and `now`, decide the children it must have (only those whose applied intent
// differs), the children to delete, and its status. Pure: no I/O, no clock, no randomness; it
// returns reasons as sentences and the reconciler acts on them. A flow that cannot be planned is
// `stalled` (no children change) with a message naming the field and what to do.
import { createHash } from 'node:crypto';
import { choosePattern, patternInputFor, type PatternDecision } from './pattern.ts';
import { Draft } from './draft.ts';
import type { Manifest } from './manifest.ts';
import { parts } from './parts.ts';
import {
  approveAnnotation,
  childNamesFor,
  frozen,
  type OperatorSettings,
  type PlanContext,
} from './plan-context.ts';
import {
  cronJobReadiness,
  deploymentReadiness,
  podProblemsOf,
  type Readiness,
} from './readiness.ts';
import type { OwnedStatus, WantedCondition } from './status.ts';
import { nameProblem, validate, type ObservedConnection } from './validation.ts';

export type { Manifest } from './manifest.ts';
export type { ObservedConnection } from './validation.ts';
export type { OperatorSettings } from './plan-context.ts';
export { statusPatchFor, readyOf, type OwnedStatus } from './status.ts';
export { transitionsOf, type Transition } from './transitions.ts';
export { flowLabel, managedByLabel, managerName } from './parts/labels.ts';

/** Annotation holding the hash of the intent a child was last applied with. */
export const intentHashAnnotation = 'syncflow.io/intent-hash';
export { approveAnnotation } from './plan-context.ts';

export interface FlowObject {
  metadata: {
    namespace: string;
    name: string;
    uid: string;
    generation: number;
    annotations?: Readonly<Record<string, string>>;
  };
  spec: unknown;
}

export interface PlanInput {
  flow: FlowObject;
  /** Every SyncConnection of the flow's namespace. */
  connections: readonly ObservedConnection[];
  /** The flow's children: objects whose controller owner reference names it. */
  children: readonly Manifest[];
  /** The flow's pods (label syncflow.io/flow). */
  pods: readonly Manifest[];
  settings: OperatorSettings;
  now: number;
}

export interface ChildRef {
  kind: string;
  name: string;
}

export interface Plan {
  /** Set when the flow cannot be planned: nothing is applied or deleted. */
  stalled?: { reason: string; message: string };
  /** Children to server-side apply, in order (unchanged ones are left out). */
  apply: Manifest[];
  /** Children the flow no longer has. */
  prune: ChildRef[];
  status: OwnedStatus;
  /** The decision in one sentence (status.decision, logs). */
  reason: string;
  /** The workload's readiness, for events. */
  ready: boolean;
  /** What the status was judged from, to judge it again once the children change. */
  judged?: { ctx: Readonly<PlanContext>; desired: readonly Manifest[] };
}

const refOf = (m: Manifest): string => `${m.kind ?? ''}/${m.metadata?.name ?? ''}`;

function stalledPlan(flow: FlowObject, reason: string, message: string): Plan {
  const conditions: WantedCondition[] = [
    { type: 'Ready', status: 'False', reason: 'Stalled', message },
    {
      type: 'Reconciling',
      status: 'False',
      reason: 'Stalled',
      message: 'waiting for the spec to be fixed',
    },
    { type: 'Stalled', status: 'True', reason, message },
  ];
  return {
    stalled: { reason, message },
    apply: [],
    prune: [],
    status: { observedGeneration: flow.metadata.generation, conditions },
    reason: message,
    ready: false,
  };
}

/** Adds the intent hash annotation; the hash covers everything the operator applies. */
function withIntentHash(object: Manifest): Manifest {
  const hash = createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
  const metadata = object.metadata ?? {};
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, [intentHashAnnotation]: hash },
    },
  };
}

function buildChildren(ctx: Readonly<PlanContext>): Manifest[] {
  const draft = new Draft();
  for (const part of parts) part(ctx, draft);
  return draft.objects().map(withIntentHash);
}

function contextFor(
  input: PlanInput,
  decision: PatternDecision,
  valid: Extract<ReturnType<typeof validate>, { ok: true }>,
): PlanContext {
  const { metadata } = input.flow;
  const names = childNamesFor(metadata.name);
  // A flow is new until its ConfigMap exists; its initial sync is started only then, so a Job that
  // completed, expired or was deleted is never started again.
  const isNew = !input.children.some(
    (c) => c.kind === 'ConfigMap' && c.metadata?.name === names.configMap,
  );
  return frozen({
    flow: {
      namespace: metadata.namespace,
      name: metadata.name,
      uid: metadata.uid,
      generation: metadata.generation,
    },
    approval: metadata.annotations?.[approveAnnotation],
    spec: valid.spec,
    decision,
    connections: valid.connections,
    settings: input.settings,
    names,
    initialSync: isNew && valid.spec.initialSync !== undefined ? 'create' : 'none',
  });
}

function readinessOf(
  ctx: Readonly<PlanContext>,
  desired: readonly Manifest[],
  input: Pick<PlanInput, 'children' | 'pods'>,
): Readiness {
  const kind = ctx.decision.workloadKind;
  const name = ctx.names.workload;
  const intent = desired.find((m) => m.kind === kind && m.metadata?.name === name);
  const observed = input.children.find((m) => m.kind === kind && m.metadata?.name === name);
  const hash = (m: Manifest | undefined): string | undefined =>
    m?.metadata?.annotations?.[intentHashAnnotation];
  if (!observed || hash(observed) !== hash(intent))
    return {
      ready: false,
      progressing: true,
      reason: 'Progressing',
      message: `applying ${kind} ${name}`,
    };
  if (ctx.spec.suspend)
    return {
      ready: false,
      progressing: false,
      reason: 'Suspended',
      message: `spec.suspend is true: ${kind} ${name} ${kind === 'Deployment' ? 'is scaled to 0' : 'is suspended'}`,
    };
  const problems = podProblemsOf(
    input.pods.filter((p) => p.metadata?.deletionTimestamp === undefined),
  );
  return kind === 'Deployment'
    ? deploymentReadiness(observed, problems)
    : cronJobReadiness(observed, problems);
}

function statusFor(ctx: Readonly<PlanContext>, readiness: Readiness): OwnedStatus {
  const { decision, names } = ctx;
  const conditions: WantedCondition[] = [
    {
      type: 'Ready',
      status: readiness.ready ? 'True' : 'False',
      reason: readiness.reason,
      message: readiness.message,
    },
    readiness.progressing
      ? { type: 'Reconciling', status: 'True', reason: 'Progressing', message: readiness.message }
      : {
          type: 'Reconciling',
          status: 'False',
          reason: readiness.reason,
          message: readiness.ready ? 'up to date' : readiness.message,
        },
    { type: 'Stalled', status: 'False', reason: 'Planned', message: decision.reason },
  ];
  return {
    observedGeneration: ctx.flow.generation,
    pattern: decision.pattern,
    ...(decision.schedule === undefined ? {} : { schedule: decision.schedule }),
    decision: decision.reason,
    workload: { kind: decision.workloadKind, name: names.workload },
    ...(decision.sweep ? { sweep: { name: names.sweep, schedule: decision.sweep.schedule } } : {}),
    ...(ctx.approval === undefined ? {} : { lastHandledApproval: ctx.approval }),
    conditions,
  };
}

/** Plans one flow. */
export function plan(input: PlanInput): Plan {
  const valid = validate(input.flow.spec, input.connections);
  if (!valid.ok) return stalledPlan(input.flow, valid.reason, valid.message);
  const decision = choosePattern(patternInputFor(valid.spec));
  if (decision.stalled) return stalledPlan(input.flow, 'ImpossiblePattern', decision.reason);
  const ctx = contextFor(input, decision, valid);
  const desired = buildChildren(ctx);
  for (const child of desired) {
    const problem = nameProblem(child.kind ?? '', child.metadata?.name ?? '', ctx.flow.name);
    if (problem) return stalledPlan(input.flow, 'InvalidSpec', problem);
  }
  const observedByRef = new Map(input.children.map((c) => [refOf(c), c]));
  const apply = desired.filter((d) => {
    const observed = observedByRef.get(refOf(d));
    return (
      observed?.metadata?.annotations?.[intentHashAnnotation] !==
      d.metadata?.annotations?.[intentHashAnnotation]
    );
  });
  const desiredRefs = new Set(desired.map(refOf));
  const keep = `Job/${ctx.names.initialSyncJob}`;
  const prune = input.children
    .filter((c) => !desiredRefs.has(refOf(c)) && refOf(c) !== keep)
    .map((c) => ({ kind: c.kind ?? '', name: c.metadata?.name ?? '' }));
  const readiness = readinessOf(ctx, desired, input);
  return {
    apply,
    prune,
    status: statusFor(ctx, readiness),
    reason: decision.reason,
    ready: readiness.ready,
    judged: { ctx, desired },
  };
}

/**
 * The status of a planned flow once its children are as `observed` (e.g. as the apply answered):
 * the same judgement as `plan` makes, without building the children again.
 */
export function statusAfter(
  planned: Plan,
  observed: Pick<PlanInput, 'children' | 'pods'>,
): Pick<Plan, 'status' | 'ready'> {
  if (!planned.judged) return planned;
  const readiness = readinessOf(planned.judged.ctx, planned.judged.desired, observed);
  return { status: statusFor(planned.judged.ctx, readiness), ready: readiness.ready };
}
