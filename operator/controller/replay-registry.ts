// The handled-replay record: one ConfigMap per flow (`{flow}-replays`), a key per replay name
// and spec hash, holding the uid that ran it, its phase and times. It lives outside the replay
// so that re-applying the same YAML, or deleting and re-creating the replay, never runs it again;
// in Kubernetes (not Redis) because the decision is the operator's and must not depend on the
// flow's Redis being reachable; owned by the flow (not as controller), so it goes with the flow.
// Written with the resourceVersion read, so two writers cannot lose each other's keys.
import { apiVersion } from '../../crds/syncflow.ts';
import { configMaps, type KubeClient, type KubernetesObject } from '../kube/client.ts';
import type { HandledReplay } from '../plan/replay.ts';
import { managedByLabel, managerName } from '../plan/plan.ts';

interface RegistryObject extends KubernetesObject {
  data?: Record<string, string>;
}

export interface FlowRef {
  namespace: string;
  name: string;
  uid?: string | undefined;
}

export const replayRegistryNameOf = (flow: string): string => `${flow}-replays`;

export class ReplayRegistry {
  readonly #client: Pick<KubeClient, 'get' | 'apply'>;

  constructor(client: Pick<KubeClient, 'get' | 'apply'>) {
    this.#client = client;
  }

  async read(flow: FlowRef, id: string): Promise<HandledReplay | undefined> {
    const object = await this.#client.get<RegistryObject>(configMaps, {
      namespace: flow.namespace,
      name: replayRegistryNameOf(flow.name),
    });
    const raw = object?.data?.[id];
    return raw === undefined ? undefined : (JSON.parse(raw) as HandledReplay);
  }

  async remember(flow: FlowRef, id: string, record: HandledReplay): Promise<void> {
    const key = { namespace: flow.namespace, name: replayRegistryNameOf(flow.name) };
    const current = await this.#client.get<RegistryObject>(configMaps, key);
    const owner = flow.uid
      ? [{ apiVersion, kind: 'SyncFlow', name: flow.name, uid: flow.uid, controller: false }]
      : undefined;
    await this.#client.apply(configMaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...key,
        ...(current?.metadata?.resourceVersion
          ? { resourceVersion: current.metadata.resourceVersion }
          : {}),
        labels: { 'app.kubernetes.io/name': 'syncflow', [managedByLabel]: managerName },
        ...(owner ? { ownerReferences: owner } : {}),
      },
      data: { ...current?.data, [id]: JSON.stringify(record) },
    });
  }
}
