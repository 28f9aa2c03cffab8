// Reads a replay's progress hash from its flow's Redis (the state connection), for the
// SyncFlowReplay's status: counts, offsets reached, and the runtime's own message when it refused.
import { replayProgressKeyFor } from '../../crds/flow-state-keys.ts';
import type { SyncConnectionSpec } from '../../crds/connection.ts';
import type { ConnectionClients } from './connection-clients.ts';

export interface ReplayProgressTarget {
  namespace: string;
  flow: string;
  stateConnection: string;
  replayId: string;
}

export interface ReplayProgressOptions {
  clients: Pick<ConnectionClients, 'redisFor'>;
  instanceId: string;
  /** The SyncConnection's spec; undefined when it does not exist. */
  connectionSpec: (namespace: string, name: string) => Promise<SyncConnectionSpec | undefined>;
}

export function replayProgressReader(
  options: ReplayProgressOptions,
): (target: ReplayProgressTarget) => Promise<Record<string, string> | undefined> {
  return async (target) => {
    const spec = await options.connectionSpec(target.namespace, target.stateConnection);
    if (!spec) return undefined;
    const redis = await options.clients.redisFor({
      namespace: target.namespace,
      name: target.stateConnection,
      spec,
    });
    const flow = { instanceId: options.instanceId, namespace: target.namespace, name: target.flow };
    const hash = await redis.hgetall(replayProgressKeyFor(flow, target.replayId));
    return Object.keys(hash).length > 0 ? hash : undefined;
  };
}
