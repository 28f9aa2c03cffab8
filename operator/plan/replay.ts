// Planning of a SyncFlowReplay (pure): from the replay, its flow's plan, the observed Job, the
// handled-replay record kept outside the replay and the runtime's progress in Redis, decide the
// Job to create (once), the record to remember, the status and the Event of a phase change.
// A replay whose name and spec were handled before — even by a deleted object — is never run
// again; it shows the remembered outcome instead.
import type { ReplayPhase, SyncFlowReplayStatus } from '../../crds/replay.ts';
import { syncFlowReplaySpecSchema, type SyncFlowReplaySpec } from '../../crds/replay.ts';
import type { Manifest } from './manifest.ts';
import { plan, type FlowObject, type ObservedConnection, type OperatorSettings } from './plan.ts';
import { replayIdOf, replayJobFor, workloadTemplateOf, type ReplayIdentity } from './replay-job.ts';
import { replayStatusFor, type PhaseOf, type ReplayFacts } from './replay-status.ts';

export { replayIdOf, replayJobNameOf, replayLabel, replayOfLabel } from './replay-job.ts';
export { replayStatusPatchFor, progressOf, type ReplayProgress } from './replay-status.ts';

/** What the operator remembers of a replay it started, keyed by name and spec hash. */
export interface HandledReplay {
  uid: string;
  phase: ReplayPhase;
  startedAt: string;
  completedAt?: string;
  message?: string;
}

export interface ReplayObject extends ReplayIdentity {
  spec: unknown;
  status?: SyncFlowReplayStatus;
}

export interface ReplayPlanInput {
  replay: ReplayObject;
  /** The SyncFlow named by spec.flow, when it exists. */
  flow?: FlowObject;
  connections: readonly ObservedConnection[];
  settings: OperatorSettings;
  job?: Manifest;
  handled?: HandledReplay;
  progress?: Readonly<Record<string, string>>;
  now: number;
}

export interface ReplayEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ReplayPlan {
  /** Key of the handled-replay record (`{name}.{spec hash}`); absent for an invalid spec. */
  id?: string;
  status: SyncFlowReplayStatus;
  /** The Job to create. */
  job?: Manifest;
  /** The handled-replay record to write (before the Job is created). */
  remember?: HandledReplay;
  event?: ReplayEvent;
  /** Set while the replay waits for something that changes without a watch event (Redis). */
  requeueAfterMs?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const terminal = (phase: string | undefined): boolean =>
  phase === 'Completed' || phase === 'Failed';

function eventOf(
  before: SyncFlowReplayStatus | undefined,
  after: SyncFlowReplayStatus,
): ReplayEvent | undefined {
  if (before?.phase === after.phase) return undefined;
  const message = after.message ?? after.phase ?? '';
  if (after.phase === 'Failed') return { type: 'Warning', reason: 'ReplayFailed', message };
  return { type: 'Normal', reason: `Replay${after.phase ?? 'Pending'}`, message };
}

function withEvent(input: ReplayPlanInput, result: Omit<ReplayPlan, 'event'>): ReplayPlan {
  const event = eventOf(input.replay.status, result.status);
  return event ? { ...result, event } : result;
}

/** The flow's workload pod template, or why the replay cannot start yet. */
function workloadOf(
  input: ReplayPlanInput,
  spec: SyncFlowReplaySpec,
): { template: NonNullable<ReturnType<typeof workloadTemplateOf>> } | { waiting: string } {
  const { namespace } = input.replay;
  if (!input.flow)
    return {
      waiting: `SyncFlow ${spec.flow} does not exist in namespace ${namespace}: create it, or delete this replay and create one naming an existing flow`,
    };
  const flowPlan = plan({
    flow: input.flow,
    connections: input.connections,
    children: [],
    pods: [],
    settings: input.settings,
    now: input.now,
  });
  if (flowPlan.stalled)
    return { waiting: `SyncFlow ${spec.flow} cannot be planned: ${flowPlan.stalled.message}` };
  const template = workloadTemplateOf(flowPlan.apply);
  return template
    ? { template }
    : { waiting: `SyncFlow ${spec.flow} has no workload to replay with` };
}

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** The object without its undefined fields (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

function specProblem(spec: unknown): string | undefined {
  const parsed = syncFlowReplaySpecSchema.safeParse(spec);
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  return `spec is invalid: ${issues.join('; ')}`;
}

/** The outcome remembered for this name and spec, by an object that no longer exists. */
function alreadyHandled(handled: HandledReplay): PhaseOf {
  const what = handled.message ? `${handled.phase}: ${handled.message}` : handled.phase;
  return defined({
    phase: terminal(handled.phase) ? handled.phase : ('Failed' as const),
    reason: 'AlreadyHandled',
    message: `a SyncFlowReplay with this name and spec was handled at ${handled.startedAt} (${what}); it is never run twice: create one with another name to replay again`,
    startedAt: handled.startedAt,
    completedAt: handled.completedAt,
  });
}

/** The handled record updated with a terminal status, when it does not say so yet. */
function rememberOutcome(
  handled: HandledReplay | undefined,
  status: SyncFlowReplayStatus,
): HandledReplay | undefined {
  if (!handled || !terminal(status.phase) || terminal(handled.phase)) return undefined;
  return defined({
    ...handled,
    phase: status.phase ?? 'Failed',
    completedAt: status.completedAt,
    message: status.message,
  });
}

function startJob(
  input: ReplayPlanInput,
  spec: SyncFlowReplaySpec,
  facts: ReplayFacts,
): Omit<ReplayPlan, 'event'> {
  const { replay } = input;
  const id = replayIdOf(replay.name, spec);
  const workload = workloadOf(input, spec);
  if ('waiting' in workload) {
    const waiting = {
      phase: 'Pending',
      reason: 'FlowNotReady',
      message: workload.waiting,
      stalled: true,
    } as const;
    return { id, status: replayStatusFor(replay.status, facts, waiting) };
  }
  const job = replayJobFor(replay, spec, workload.template);
  const remember = input.handled ?? {
    uid: replay.uid,
    phase: 'Running',
    startedAt: iso(input.now),
  };
  const message = `Job ${job.metadata?.name ?? ''} created`;
  const status = replayStatusFor(replay.status, facts, {
    phase: 'Pending',
    reason: 'JobCreated',
    message,
  });
  return { id, job, remember, status };
}

function follow(
  input: ReplayPlanInput,
  job: Manifest,
  id: string,
  facts: ReplayFacts,
): Omit<ReplayPlan, 'event'> {
  const status = replayStatusFor(input.replay.status, facts, jobPhaseOf(job, input.progress));
  const remember = rememberOutcome(input.handled, status);
  return defined({
    id,
    status,
    remember,
    requeueAfterMs: terminal(status.phase) ? undefined : 5000,
  });
}

/** Plans one replay. */
export function planReplay(input: ReplayPlanInput): ReplayPlan {
  const { replay } = input;
  const facts: ReplayFacts = defined({ generation: 0, now: input.now, progress: input.progress });
  const problem = specProblem(replay.spec);
  if (problem !== undefined)
    return withEvent(input, {
      status: replayStatusFor(replay.status, facts, {
        phase: 'Failed',
        reason: 'InvalidSpec',
        message: problem,
      }),
    });
  const spec = syncFlowReplaySpecSchema.parse(replay.spec);
  const id = replayIdOf(replay.name, spec);
  if (input.handled && input.handled.uid !== replay.uid)
    return withEvent(input, {
      id,
      status: replayStatusFor(replay.status, facts, alreadyHandled(input.handled)),
    });
  if (terminal(replay.status?.phase)) {
    const status = replay.status ?? {};
    return defined({ id, status, remember: rememberOutcome(input.handled, status) });
  }
  return withEvent(
    input,
    input.job ? follow(input, input.job, id, facts) : startJob(input, spec, facts),
  );
}

interface JobCondition {
  type?: string;
  status?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  active?: number;
  completionTime?: string;
}

const isoOf = (time: string | undefined): string | undefined =>
  time === undefined ? undefined : new Date(time).toISOString();

function completedPhase(
  status: JobStatus,
  complete: JobCondition,
  progress: Readonly<Record<string, string>> | undefined,
): PhaseOf {
  return defined({
    phase: 'Completed' as const,
    reason: 'Completed',
    message: progress?.['message'] ?? 'replay completed',
    startedAt: isoOf(status.startTime),
    completedAt: isoOf(status.completionTime ?? complete.lastTransitionTime),
  });
}

function failedPhase(
  job: { name: string; status: JobStatus },
  failed: JobCondition,
  progress: Readonly<Record<string, string>> | undefined,
): PhaseOf {
  const said = progress?.['phase'] === 'Failed' ? progress['message'] : undefined;
  return defined({
    phase: 'Failed' as const,
    reason: 'JobFailed',
    message: said ?? `Job ${job.name} failed: ${failed.message ?? 'see its pods'}`,
    startedAt: isoOf(job.status.startTime),
    completedAt: isoOf(failed.lastTransitionTime),
  });
}

/** The phase a replay's Job shows: Completed, Failed, Running once a pod started, else Pending. */
export function jobPhaseOf(
  job: Manifest,
  progress: Readonly<Record<string, string>> | undefined,
): PhaseOf {
  const status = (job['status'] ?? {}) as JobStatus;
  const name = job.metadata?.name ?? '';
  const isTrue = (type: string): JobCondition | undefined =>
    status.conditions?.find((c) => c.type === type && c.status === 'True');
  const complete = isTrue('Complete');
  if (complete) return completedPhase(status, complete, progress);
  const failed = isTrue('Failed');
  if (failed) return failedPhase({ name, status }, failed, progress);
  if ((status.active ?? 0) > 0 || progress?.['phase'] === 'Running')
    return defined({
      phase: 'Running' as const,
      reason: 'Running',
      message: `Job ${name} is replaying`,
      startedAt: isoOf(status.startTime),
    });
  return { phase: 'Pending', reason: 'JobCreated', message: `Job ${name} is starting` };
}
