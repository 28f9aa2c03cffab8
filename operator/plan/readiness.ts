// Whether the flow's workload is doing its job, read from the observed children and pods: a
// Deployment whose pods are available, a CronJob that exists and is scheduled. Pod problems a
// person must fix (a missing Secret, a crash loop, an image that cannot be pulled) are named.
import type { Manifest } from './manifest.ts';

export interface Readiness {
  ready: boolean;
  /** Still moving towards the spec (rollout in progress) rather than blocked or done. */
  progressing: boolean;
  reason: string;
  message: string;
}

const problemReasons = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'RunContainerError',
]);

interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

interface PodStatus {
  conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  containerStatuses?: ContainerStatus[];
}

export interface PodProblem {
  reason: string;
  message: string;
}

function containerProblems(name: string, status: PodStatus): PodProblem[] {
  return (status.containerStatuses ?? []).flatMap((c) => {
    const waiting = c.state?.waiting;
    if (!waiting?.reason || !problemReasons.has(waiting.reason)) return [];
    const text = `pod ${name}: ${waiting.reason}: ${waiting.message ?? ''}`;
    return [{ reason: waiting.reason, message: text.trim() }];
  });
}

function schedulingProblems(name: string, status: PodStatus): PodProblem[] {
  const condition = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (condition?.status !== 'False' || condition.reason !== 'Unschedulable') return [];
  const text = `pod ${name}: Unschedulable: ${condition.message ?? ''}`;
  return [{ reason: 'Unschedulable', message: text.trim() }];
}

/** Problems of the pods, at most `limit`, each as `pod <name>: <reason>: <message>`. */
export function podProblemsOf(pods: readonly Manifest[], limit = 3): PodProblem[] {
  return pods
    .flatMap((pod) => {
      const status = (pod['status'] ?? {}) as PodStatus;
      const name = pod.metadata?.name ?? '';
      return [...containerProblems(name, status), ...schedulingProblems(name, status)];
    })
    .slice(0, limit);
}

interface DeploymentLike {
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; status?: string; message?: string }[];
  };
}

/** The Deployment could not create pods (admission: a missing PriorityClass, a quota). */
function replicaFailureOf(d: DeploymentLike): PodProblem[] {
  const failure = d.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  return failure
    ? [{ reason: 'ReplicaFailure', message: `ReplicaFailure: ${failure.message ?? ''}`.trim() }]
    : [];
}

const generationOf = (d: DeploymentLike): number => d.metadata?.generation ?? 0;

function rolloutOf(d: DeploymentLike): { wanted: number; available: number; done: boolean } {
  const wanted = d.spec?.replicas ?? 1;
  const { observedGeneration = 0, availableReplicas = 0, updatedReplicas = 0 } = d.status ?? {};
  const seen = observedGeneration >= generationOf(d);
  const available = Math.min(availableReplicas, wanted);
  return {
    wanted,
    available,
    done: seen && availableReplicas >= wanted && updatedReplicas >= wanted,
  };
}

export function deploymentReadiness(object: Manifest, problems: readonly PodProblem[]): Readiness {
  const d = object as DeploymentLike;
  const { wanted, available, done } = rolloutOf(d);
  const summary = `Deployment ${d.metadata?.name ?? ''}: ${available}/${wanted} pods available`;
  if (done) return { ready: true, progressing: false, reason: 'Available', message: summary };
  return notReady(summary, [...replicaFailureOf(d), ...problems]);
}

export function cronJobReadiness(object: Manifest, problems: readonly PodProblem[]): Readiness {
  const spec = (object['spec'] ?? {}) as { schedule?: string; timeZone?: string };
  const name = object.metadata?.name ?? '';
  const summary = `CronJob ${name} runs on "${spec.schedule ?? ''}" (${spec.timeZone ?? 'UTC'})`;
  if (problems.length === 0)
    return { ready: true, progressing: false, reason: 'Scheduled', message: summary };
  return notReady(summary, problems);
}

function notReady(summary: string, problems: readonly PodProblem[]): Readiness {
  const [first] = problems;
  if (!first) return { ready: false, progressing: true, reason: 'Progressing', message: summary };
  const details = problems.map((p) => p.message).join('; ');
  return {
    ready: false,
    progressing: false,
    reason: first.reason,
    message: `${summary}; ${details}`,
  };
}
