// Registers the local Node and keeps it Ready as a kubelet does: a Lease in kube-node-lease
// renewed every 10 s (what the node lifecycle controller watches) and the Ready condition's
// heartbeat refreshed every minute.
import {
  ApiException,
  PatchStrategy,
  setHeaderOptions,
  type CoordinationV1Api,
  type CoreV1Api,
} from '@kubernetes/client-node';
import { arch } from 'node:os';
import { localIp } from './pod-worker.ts';

export interface NodeRegistrationOptions {
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  name: string;
  log: (line: string) => void;
}

export interface NodeRegistration {
  stop(): void;
}

const leaseRenewMs = 10_000;
const statusRefreshMs = 60_000;
const leaseDurationSeconds = 40;
/** Pods are local processes: capacity is generous so the scheduler never holds one back. */
const capacity = { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '1Ti' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategicMerge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** metav1.MicroTime wants six fractional digits; Date.toISOString() gives three. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

const ignoreConflict = (err: unknown): void => {
  if (!(err instanceof ApiException && err.code === 409)) throw err;
};

function nodeStatus(readySinceMs: number): object {
  const now = new Date().toISOString();
  const since = new Date(readySinceMs).toISOString();
  const condition = (type: string, status: string, reason: string, message: string): object => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
  });
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'local node'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'local node'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'local node'),
      condition('Ready', 'True', 'KubeletReady', 'the SyncFlow local node is ready'),
    ],
    addresses: [{ type: 'InternalIP', address: localIp }],
    nodeInfo: {
      architecture: arch() === 'x64' ? 'amd64' : arch(),
      operatingSystem: 'linux',
      osImage: 'SyncFlow local node',
      kubeletVersion: 'v1.34.4',
      containerRuntimeVersion: 'syncflow-local://1',
    },
  };
}

async function createNodeAndLease(options: NodeRegistrationOptions): Promise<void> {
  const { core, coordination, name } = options;
  const labels = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch() === 'x64' ? 'amd64' : arch(),
    'syncflow.io/local-node': 'true',
  };
  await core.createNode({ body: { metadata: { name, labels } } }).catch(ignoreConflict);
  const node = await core.readNode({ name });
  await coordination
    .createNamespacedLease({
      namespace: 'kube-node-lease',
      body: {
        metadata: {
          name,
          ownerReferences: [
            { apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' },
          ],
        },
        spec: { holderIdentity: name, leaseDurationSeconds },
      },
    })
    .catch(ignoreConflict);
}

export async function registerNode(options: NodeRegistrationOptions): Promise<NodeRegistration> {
  const { core, coordination, name, log } = options;
  const readySinceMs = Date.now();
  await createNodeAndLease(options);
  const renewLease = async (): Promise<void> => {
    await coordination.patchNamespacedLease(
      {
        name,
        namespace: 'kube-node-lease',
        body: { spec: { holderIdentity: name, renewTime: microTime(Date.now()) } },
      },
      merge,
    );
  };
  const refreshStatus = async (): Promise<void> => {
    await core.patchNodeStatus(
      { name, body: { status: nodeStatus(readySinceMs) } },
      strategicMerge,
    );
  };
  await refreshStatus();
  await renewLease();
  const report =
    (what: string) =>
    (err: unknown): void =>
      log(`node ${name}: ${what} failed, retrying: ${String(err)}`);
  const leaseTimer = setInterval(
    () => void renewLease().catch(report('lease renewal')),
    leaseRenewMs,
  );
  const statusTimer = setInterval(
    () => void refreshStatus().catch(report('status heartbeat')),
    statusRefreshMs,
  );
  return {
    stop: () => {
      clearInterval(leaseTimer);
      clearInterval(statusTimer);
    },
  };
}
