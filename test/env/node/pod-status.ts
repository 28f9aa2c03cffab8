// The pod status a kubelet would report, computed from what the node knows about each container
// (pure: `now` is a parameter). Phase rules follow the kubelet's getPhase; a terminal phase is
// never left, and a condition keeps its lastTransitionTime while its status does not change.

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  /** Set when a signal ended the process; exitCode is then 128 + the signal number. */
  signal?: number;
  startedAtMs: number;
  finishedAtMs: number;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAtMs: number } }
  | { terminated: Terminated };

export interface ContainerRecord {
  name: string;
  image: string;
  state: ContainerState;
  lastTerminated?: Terminated;
  ready: boolean;
  started: boolean;
  restartCount: number;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

/** The JSON written to pods/status (times as ISO strings: this is the API boundary). */
export interface PodStatusJson {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  conditions: PodCondition[];
  containerStatuses: object[];
  hostIP: string;
  hostIPs: { ip: string }[];
  podIP: string;
  podIPs: { ip: string }[];
  startTime: string;
}

export interface PodStatusInput {
  restartPolicy: RestartPolicy;
  containers: readonly ContainerRecord[];
  startTimeMs: number;
  ip: string;
  /** The conditions last written or observed, to keep their transition times. */
  previousConditions: readonly { type?: string; status?: string; lastTransitionTime?: unknown }[];
  previousPhase: string | undefined;
  nowMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface Counts {
  running: number;
  waiting: number;
  stopped: number;
  succeeded: number;
}

function countStates(containers: readonly ContainerRecord[]): Counts {
  const counts: Counts = { running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  for (const c of containers) {
    if ('running' in c.state) counts.running++;
    else if ('terminated' in c.state) {
      counts.stopped++;
      if (c.state.terminated.exitCode === 0) counts.succeeded++;
    } else if (c.lastTerminated) counts.stopped++;
    else counts.waiting++;
  }
  return counts;
}

export function phaseFor(
  restartPolicy: RestartPolicy,
  containers: readonly ContainerRecord[],
): PodStatusJson['phase'] {
  const { running, waiting, stopped, succeeded } = countStates(containers);
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (restartPolicy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return restartPolicy === 'Never' ? 'Failed' : 'Running';
}

function containerStateJson(state: ContainerState): object {
  if ('waiting' in state) return { waiting: state.waiting };
  if ('running' in state) return { running: { startedAt: iso(state.running.startedAtMs) } };
  return { terminated: terminatedJson(state.terminated) };
}

function terminatedJson(t: Terminated): object {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    ...(t.message === undefined ? {} : { message: t.message }),
    ...(t.signal === undefined ? {} : { signal: t.signal }),
    startedAt: iso(t.startedAtMs),
    finishedAt: iso(t.finishedAtMs),
  };
}

function containerStatusJson(c: ContainerRecord): object {
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    state: containerStateJson(c.state),
    lastState: c.lastTerminated ? { terminated: terminatedJson(c.lastTerminated) } : {},
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
  };
}

type Wanted = Omit<PodCondition, 'lastTransitionTime'>;

function wantedConditions(
  phase: PodStatusJson['phase'],
  containers: readonly ContainerRecord[],
): Wanted[] {
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = containers.filter((c) => !c.ready).map((c) => c.name);
  const readiness: Omit<Wanted, 'type'> = terminal
    ? { status: 'False', reason: 'PodCompleted' }
    : unready.length > 0
      ? {
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${unready.join(' ')}]`,
        }
      : { status: 'True' };
  return [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'ContainersReady', ...readiness },
    { type: 'Ready', ...readiness },
  ];
}

function transitionTime(
  wanted: Wanted,
  previous: PodStatusInput['previousConditions'],
  nowMs: number,
): string {
  const before = previous.find((p) => p.type === wanted.type);
  if (before?.status !== wanted.status || before.lastTransitionTime === undefined)
    return iso(nowMs);
  const t = before.lastTransitionTime;
  return t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : iso(nowMs);
}

export function podStatusFor(input: PodStatusInput): PodStatusJson {
  const { previousPhase } = input;
  const phase =
    previousPhase === 'Succeeded' || previousPhase === 'Failed'
      ? previousPhase
      : phaseFor(input.restartPolicy, input.containers);
  const conditions = wantedConditions(phase, input.containers).map((w) => ({
    ...w,
    lastTransitionTime: transitionTime(w, input.previousConditions, input.nowMs),
  }));
  return {
    phase,
    conditions,
    containerStatuses: input.containers.map(containerStatusJson),
    hostIP: input.ip,
    hostIPs: [{ ip: input.ip }],
    podIP: input.ip,
    podIPs: [{ ip: input.ip }],
    startTime: iso(input.startTimeMs),
  };
}
