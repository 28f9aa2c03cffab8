// The SyncFlowReplay kind's REST collection.
import type { ResourceType } from '../kube/client.ts';

export const syncFlowReplays: ResourceType = {
  group: 'syncflow.io',
  version: 'v1alpha1',
  kind: 'SyncFlowReplay',
  plural: 'syncflowreplays',
  namespaced: true,
};
