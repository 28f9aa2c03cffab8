// Where a flow's state lives outside Kubernetes, shared by the runtime (which writes it) and the
// operator (which reads it for lag, run outcomes and replay progress): the Redis keys under
// `sf:{instanceId}:{namespace}/{name}:…`, the Kafka consumer group `sf.{instanceId}.{ns}.{name}`
// and the batch archive topic `sf.{instanceId}.{ns}.{name}.archive`.
// Pure: names only, no client.

export interface FlowIdentity {
  instanceId: string;
  namespace: string;
  name: string;
}

/** `sf:{instanceId}:{namespace}/{name}`, the prefix of every per-flow Redis key. */
export function flowKeyPrefix(flow: FlowIdentity): string {
  return `sf:${flow.instanceId}:${flow.namespace}/${flow.name}`;
}

export interface FlowStateKeys {
  /** Hash: the runtime's heartbeat and cumulative figures (recordsIn, applied, deadLettered, …). */
  heartbeat: string;
  /** String, JSON `{modifiedMs, key, atMs}`: where the next poll reads from (minus the overlap). */
  cursor: string;
  /** Hash: the batch import in progress — runId, fileId, rowOffset, asOfMs, startedAtMs. */
  batchProgress: string;
  /** List, newest first, one JSON run record each (poll and batch runs). */
  runs: string;
  /** String, JSON run record of the last run whose result was `succeeded`. */
  lastSuccessfulRun: string;
}

export function flowStateKeysFor(flow: FlowIdentity): FlowStateKeys {
  const prefix = flowKeyPrefix(flow);
  return {
    heartbeat: `${prefix}:heartbeat`,
    cursor: `${prefix}:cursor`,
    batchProgress: `${prefix}:batch`,
    runs: `${prefix}:runs`,
    lastSuccessfulRun: `${prefix}:lastSuccessfulRun`,
  };
}

/** The Kafka consumer group of the flow's live consumer. */
export function consumerGroupFor(flow: FlowIdentity): string {
  return `sf.${flow.instanceId}.${flow.namespace}.${flow.name}`;
}

/** The default archive topic of a batch flow's exports (`spec.archive.topic` overrides it). */
export function archiveTopicFor(flow: FlowIdentity): string {
  return `${consumerGroupFor(flow)}.archive`;
}

/** The progress hash of one replay: written by the runtime's replay, read by the operator. */
export function replayProgressKeyFor(flow: FlowIdentity, replayId: string): string {
  return `${flowKeyPrefix(flow)}:replay:${replayId}`;
}
