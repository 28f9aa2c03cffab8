// The Job of a SyncFlowReplay: the flow's own pod (image, ServiceAccount without token, the
// flow's ConfigMap and connection Secrets as files, restricted security context, resources),
// taken from the flow's plan so it cannot drift from the workload's, running `runtime replay`
// with the request in its environment. Owned by the replay (deleted with it), labelled so the
// flow's readiness never counts its pods, and failed at once when the runtime refuses the
// request for good (exit 5) instead of retrying it.
import { createHash } from 'node:crypto';
import type { SyncFlowReplaySpec } from '../../crds/replay.ts';
import { apiVersion } from '../../crds/syncflow.ts';
import type { Manifest, PodTemplate } from './manifest.ts';
import { componentLabel, managedByLabel, managerName } from './parts/labels.ts';
import { runtimeContainerName } from './parts/pod-template.ts';

export const replayLabel = 'syncflow.io/replay';
export const replayOfLabel = 'syncflow.io/replay-of';
/** The runtime's exit code for a replay refused for good (a `from` before the log's start). */
export const replayRefusedExitCode = 5;
/** A finished replay's Job is kept a week for `kubectl logs`. */
export const replayJobTtlSeconds = 7 * 86_400;

export interface ReplayIdentity {
  namespace: string;
  name: string;
  uid: string;
}

/** Hash of what the replay asks for: same name and spec means the same replay. */
export function replaySpecHashOf(spec: SyncFlowReplaySpec): string {
  const { flow, from, mode, source } = spec;
  const canonical = JSON.stringify({ flow, from: Date.parse(from), mode, source });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

/** `{name}.{spec hash}`: the replay's progress hash and consumer group in the runtime. */
export function replayIdOf(name: string, spec: SyncFlowReplaySpec): string {
  return `${name}.${replaySpecHashOf(spec)}`;
}

/** Deterministic, at most 63 characters (the job-name label of its pods). */
export function replayJobNameOf(name: string, spec: SyncFlowReplaySpec): string {
  return `${name.slice(0, 44).replace(/[.-]+$/, '')}-replay-${replaySpecHashOf(spec)}`;
}

/** The flow workload's pod template (Deployment or CronJob), from the flow's planned children. */
export function workloadTemplateOf(children: readonly Manifest[]): PodTemplate | undefined {
  for (const child of children) {
    const spec = child['spec'] as Record<string, unknown> | undefined;
    if (child.kind === 'Deployment') return spec?.['template'] as PodTemplate;
    if (child.kind === 'CronJob') {
      const jobSpec = (spec?.['jobTemplate'] as { spec?: { template?: PodTemplate } }) ?? {};
      return jobSpec.spec?.template;
    }
  }
  return undefined;
}

function replayTemplateOf(
  workload: PodTemplate,
  replay: ReplayIdentity,
  spec: SyncFlowReplaySpec,
): PodTemplate {
  const template = structuredClone(workload);
  template.metadata.labels = {
    'app.kubernetes.io/name': 'syncflow',
    [managedByLabel]: managerName,
    [replayOfLabel]: spec.flow,
    [replayLabel]: replay.name,
    [componentLabel]: 'replay',
  };
  template.spec.restartPolicy = 'Never';
  for (const container of template.spec.containers) {
    container.args = ['replay'];
    delete container.ports;
    delete container.readinessProbe;
    container.env.push(
      { name: 'SYNCFLOW_REPLAY_ID', value: replayIdOf(replay.name, spec) },
      { name: 'SYNCFLOW_REPLAY_FROM', value: spec.from },
      { name: 'SYNCFLOW_REPLAY_SOURCE', value: spec.source },
      { name: 'SYNCFLOW_GATE_MODE', value: spec.mode === 'reapply' ? 'reapply' : 'normal' },
    );
  }
  return template;
}

export function replayJobFor(
  replay: ReplayIdentity,
  spec: SyncFlowReplaySpec,
  workload: PodTemplate,
): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: replayJobNameOf(replay.name, spec),
      namespace: replay.namespace,
      labels: {
        'app.kubernetes.io/name': 'syncflow',
        [managedByLabel]: managerName,
        [replayOfLabel]: spec.flow,
        [replayLabel]: replay.name,
      },
      ownerReferences: [
        {
          apiVersion,
          kind: 'SyncFlowReplay',
          name: replay.name,
          uid: replay.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: replayJobTtlSeconds,
      podFailurePolicy: {
        rules: [
          {
            action: 'FailJob',
            onExitCodes: {
              containerName: runtimeContainerName,
              operator: 'In',
              values: [replayRefusedExitCode],
            },
          },
        ],
      },
      template: replayTemplateOf(workload, replay, spec),
    },
  };
}
