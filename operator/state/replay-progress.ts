// Reads a replay's progress hash from its flow's Redis (the state connection), for the
// SyncFlowReplay's status: counts, offsets reached, and the runtime's own message when it refused.
import { replayProgressKeyFor } from '../../crds/flow-state-keys.ts';
import type { SyncConnectionSpec } from '../../crds/connection.ts';
import type { ConnectionClients } from './connection-clients.ts';

export interface ReplayProgressTarget {
  namespace: string;
  flow: string;
  stateConnection: string;
  stateConnectionSpec: unknown;
  replayId: string;
}

export interface ReplayProgressOptions {
  clients: Pick<ConnectionClients, 'redisFor'>;
  instanceId: string;
}

export function replayProgressReader(
  options: ReplayProgressOptions,
): (target: ReplayProgressTarget) => Promise<Record<string, string> | undefined> {
  return async (target) => {
    const spec = target.stateConnectionSpec as SyncConnectionSpec;
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
