// The kinds the SyncFlow controller reads and writes, and which REST collection each child kind
// lives in. The planner names kinds; the reconciler needs their collections.
import {
  configMaps,
  cronJobs,
  deployments,
  jobs,
  serviceAccounts,
  type ResourceType,
} from '../kube/client.ts';

export const syncFlows: ResourceType = {
  group: 'syncflow.io',
  version: 'v1alpha1',
  kind: 'SyncFlow',
  plural: 'syncflows',
  namespaced: true,
};

export const syncConnections: ResourceType = {
  group: 'syncflow.io',
  version: 'v1alpha1',
  kind: 'SyncConnection',
  plural: 'syncconnections',
  namespaced: true,
};

export const pods: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
};

/** Every kind the planner creates, in the order the reconciler looks them up. */
export const childResources: readonly ResourceType[] = [
  configMaps,
  serviceAccounts,
  deployments,
  cronJobs,
  jobs,
];

export function resourceOfKind(kind: string): ResourceType {
  const resource = childResources.find((r) => r.kind === kind);
  if (!resource)
    throw new Error(`the planner named kind ${kind}, which the operator does not manage`);
  return resource;
}
