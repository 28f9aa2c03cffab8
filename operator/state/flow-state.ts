// Entry of operator/state/: reads a flow's state outside Kubernetes — its Redis (heartbeat, run
// records, cursor) and, for event flows, its consumer group's offsets in Kafka — through clients
// shared per SyncConnection. Every failure becomes a ReadProblem sentence in the facts, never an
// exception: a flow whose Redis or Kafka is away still gets a status that says so.
// Also exported for other readers of flow state (replay progress): ConnectionClients,
// readRunState, readConsumerOffsets, credentialsOf.
import type { SyncConnectionSpec } from '../../crds/connection.ts';
import {
  consumerGroupFor,
  flowStateKeysFor,
  type FlowIdentity,
} from '../../crds/flow-state-keys.ts';
import type { Pattern } from '../../crds/syncflow.ts';
import type { FlowFacts, ReadProblem } from '../lag/lag-status.ts';
import type { ConnectionClients } from './connection-clients.ts';
import type { ConnectionRef } from './connection-credentials.ts';
import { readConsumerOffsets } from './consumer-offsets.ts';
import { readRunState } from './run-state.ts';

export { ConnectionClients, type ConnectionClientsOptions } from './connection-clients.ts';
export {
  credentialsOf,
  secrets,
  type ConnectionRef,
  type Credentials,
} from './connection-credentials.ts';
export { readConsumerOffsets } from './consumer-offsets.ts';
export { heartbeatOf, readRunState, runRecordOf } from './run-state.ts';
export { StateReadError } from './state-errors.ts';
export {
  consumerGroupFor,
  flowStateKeysFor,
  type FlowIdentity,
} from '../../crds/flow-state-keys.ts';

/** What to read for one flow. */
export interface FlowStateRequest {
  flow: FlowIdentity;
  pattern: Pattern;
  /** spec.state.connection: the Redis. */
  stateConnection: string;
  /** Event flows: spec.source.connection and spec.source.kafka.topic. */
  kafka?: { connection: string; topic: string } | undefined;
  /** The SyncConnections of the flow's namespace by name (from the informer cache). */
  connections: ReadonlyMap<string, SyncConnectionSpec>;
}

export interface FlowStateReaderOptions {
  clients: Pick<ConnectionClients, 'redisFor' | 'kafkaAdminFor'>;
  /** Deadline of one read (connect included). Default: 5,000 ms. */
  timeoutMs?: number;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export class FlowStateReader {
  readonly #clients: FlowStateReaderOptions['clients'];
  readonly #timeoutMs: number;

  constructor(options: FlowStateReaderOptions) {
    this.#clients = options.clients;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async read(request: FlowStateRequest): Promise<FlowFacts> {
    const problems: ReadProblem[] = [];
    const [state, partitions] = await Promise.all([
      this.#readState(request, problems),
      request.pattern === 'event' ? this.#readOffsets(request, problems) : undefined,
    ]);
    return {
      ...(state ? { state } : {}),
      ...(partitions ? { partitions, topic: request.kafka?.topic } : {}),
      problems,
    };
  }

  async #readState(
    request: FlowStateRequest,
    problems: ReadProblem[],
  ): Promise<FlowFacts['state']> {
    const ref = refOf(request, request.stateConnection, 'redis', problems);
    if (!ref) return undefined;
    try {
      const work = this.#clients
        .redisFor(ref)
        .then((redis) => readRunState(redis, flowStateKeysFor(request.flow)));
      return await withDeadline(work, this.#timeoutMs, `Redis of connection ${ref.name}`);
    } catch (err) {
      problems.push({
        source: 'redis',
        message: `read Redis of connection ${ref.name}: ${messageOf(err)}`,
      });
      return undefined;
    }
  }

  async #readOffsets(
    request: FlowStateRequest,
    problems: ReadProblem[],
  ): Promise<FlowFacts['partitions']> {
    if (!request.kafka) {
      problems.push({ source: 'connection', message: 'the event flow names no Kafka topic' });
      return undefined;
    }
    const { topic } = request.kafka;
    const ref = refOf(request, request.kafka.connection, 'kafka', problems);
    if (!ref) return undefined;
    try {
      const groupId = consumerGroupFor(request.flow);
      const work = this.#clients
        .kafkaAdminFor(ref)
        .then((admin) => readConsumerOffsets(admin, { groupId, topic }));
      return await withDeadline(work, this.#timeoutMs, `Kafka of connection ${ref.name}`);
    } catch (err) {
      problems.push({
        source: 'kafka',
        message: `read offsets of topic ${topic} from Kafka of connection ${ref.name}: ${messageOf(err)}`,
      });
      return undefined;
    }
  }
}

function refOf(
  request: FlowStateRequest,
  name: string,
  type: 'redis' | 'kafka',
  problems: ReadProblem[],
): ConnectionRef | undefined {
  const spec = request.connections.get(name);
  if (!spec || spec.type !== type) {
    problems.push({
      source: 'connection',
      message: spec
        ? `SyncConnection ${name} is of type ${spec.type}, not ${type}`
        : `SyncConnection ${name} not found`,
    });
    return undefined;
  }
  return { namespace: request.flow.namespace, name, spec };
}
