// The Redis key layout of the runtime's state. Per-flow state lives under
// `sf:{instanceId}:{namespace}/{name}:…`; versions are shared by every flow writing the same
// (connection, entity), so they live under `sf:{instanceId}:v:{connection}:{entity}`. The per-flow
// layout the operator also reads is in crds/flow-state-keys.ts.
import { flowKeyPrefix, flowStateKeysFor, type FlowIdentity } from '../../crds/flow-state-keys.ts';

export type { FlowIdentity } from '../../crds/flow-state-keys.ts';

export interface StateKeys {
  /** `ns/name`, the flow's identity in lineage records and lease tokens. */
  flow: string;
  /** Hash: entity key → last applied version (decimal string). */
  versions: string;
  /**
   * Hash: entity key → lineage of the last applied write, `flow⇥atMs⇥run⇥writer[⇥eventId]`
   * (tab-separated; older values are JSON `{flow, writer, eventId, atMs}`).
   */
  writers: string;
  /** Hash: entity key → the last version the target refused for good (already dead-lettered). */
  refused: string;
  /** Hash: the flow's heartbeat and run figures (see README of the runtime in the report). */
  heartbeat: string;
  /** String with TTL: an applied event id. */
  eventId(id: string): string;
  /** Hash: entity key → `expiresAtMs token` of the writer holding it between check and record. */
  leases: string;
}

export function stateKeysFor(
  flow: FlowIdentity,
  target: { connection: string; entity: string },
): StateKeys {
  const flowPrefix = flowKeyPrefix(flow);
  const entityPart = `${target.connection}:${target.entity}`;
  return {
    flow: `${flow.namespace}/${flow.name}`,
    versions: `sf:${flow.instanceId}:v:${entityPart}`,
    writers: `sf:${flow.instanceId}:vw:${entityPart}`,
    refused: `sf:${flow.instanceId}:vr:${entityPart}`,
    heartbeat: flowStateKeysFor(flow).heartbeat,
    eventId: (id) => `${flowPrefix}:id:${id}`,
    leases: `sf:${flow.instanceId}:lease:${entityPart}`,
  };
}
