// Flows of any kind for the sink tests: the flow document (as the operator renders it) with its
// Secret files, and — for flows the examples run as poll or batch — the pipeline driven
// directly with real Redis (the gate, the tier lists, the budget) and the sink built the way
// the runtime builds it. Dead letters are collected in memory (the port, not Kafka).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { pino } from 'pino';
import { parseFlowConfig, secretDirFor } from '../../crds/flow-config.ts';
import { Gate, stateKeysFor } from '../../runtime/gate/gate.ts';
import { processBatch, type BatchOutcome } from '../../runtime/pipeline/pipeline.ts';
import { settingsFor, type RuntimeSettings } from '../../runtime/settings.ts';
import type { DeadLetterEntry } from '../../runtime/sinks/dead-letter.ts';
import { sinkFor } from '../../runtime/sinks/sink-for.ts';
import type { MessageIn } from '../../runtime/flow/flow.ts';
import { writePodRoot } from './pod-root.ts';

export const token = 'integration-token';

/** The mapping fields of an example flow (`examples/acme-distributor/<file>`), as users copy it. */
export function exampleFields(file: string): Record<string, { path: string; type: string }> {
  const path = fileURLToPath(new URL(`../../examples/acme-distributor/${file}`, import.meta.url));
  const flow = parse(readFileSync(path, 'utf8')) as {
    spec: { mapping: { fields: Record<string, { path: string; type: string }> } };
  };
  return flow.spec.mapping.fields;
}

export interface FlowDocumentOptions {
  instanceId: string;
  name: string;
  flow: string;
  entity: string;
  fields: Record<string, { path: string; type: string }>;
  sinkConnection: Record<string, unknown>;
  sink?: Record<string, unknown>;
  kafkaBrokers: string[];
  topic: string;
  redisUrl: string;
  deletes?: 'ignore' | 'apply';
}

export function flowDocumentFor(o: FlowDocumentOptions): Record<string, unknown> {
  return {
    configVersion: 1,
    instanceId: o.instanceId,
    flow: {
      namespace: 'shop',
      name: o.name,
      uid: `uid-${o.name}`,
      generation: 1,
      spec: {
        flow: o.flow,
        entity: o.entity,
        maxLag: '30s',
        source: { connection: 'kafka', kafka: { topic: o.topic, payload: 'full' } },
        mapping: { fields: o.fields },
        sink: { connection: 'target', ...o.sink },
        state: { connection: 'redis' },
        deletes: o.deletes ?? 'apply',
        initialSync: { from: 'beginning' },
      },
    },
    plan: { pattern: 'event', mode: 'consume', maxLagSeconds: 30 },
    connections: {
      kafka: { spec: { type: 'kafka', brokers: o.kafkaBrokers } },
      redis: { spec: { type: 'redis', url: o.redisUrl } },
      target: { spec: o.sinkConnection, secretDir: secretDirFor('target') },
    },
  };
}

/** A company as SAP's business partner API sends it (the customer-company example's mapping), at version `seq`. */
export const sapCompany = (id: string, seq: number) => ({
  BusinessPartner: id,
  OrganizationBPName1: `${id} GmbH v${seq}`,
  to_BusinessPartnerAddress: {
    results: [
      { to_EmailAddress: { results: [{ EmailAddress: `admin@${id.toLowerCase()}.test` }] } },
    ],
  },
  seq,
});

export const commerceConnection = (url: string, maxInFlight = 8, requestTimeout = '30s') => ({
  type: 'commerce',
  url,
  auth: { bearer: { secretRef: { name: 'commerce-token' } } },
  concurrency: { maxInFlight },
  requestTimeout,
  commerce: { storeCode: 'all', sources: { '1010': 'wh_chicago' } },
});

const secrets: Record<string, string> = { token, username: 'sync', password: 'secret' };

/** Writes the document and the Secret files under a fresh root for `runtime/main.ts`. */
export function writeRoot(document: Record<string, unknown>): string {
  return writePodRoot('sf-sinks', document, { target: secrets });
}

export function settingsOf(document: Record<string, unknown>): RuntimeSettings {
  const parsed = parseFlowConfig(document);
  if (!parsed.ok) throw new Error(parsed.error);
  return settingsFor(parsed.config, {
    read: (path) => secrets[path.split('/').pop() ?? ''] ?? '',
    pathOf: (path) => path,
  });
}

export interface PipelineRun {
  settings: RuntimeSettings;
  deadLetters: DeadLetterEntry[];
  /** Runs each list of source records as one batch, in order. */
  run(batches: readonly Record<string, unknown>[][]): Promise<BatchOutcome[]>;
  /** Every batch delivered so far, as its messages (positions included). */
  delivered: MessageIn[][];
  /** Delivers these messages again, positions unchanged: a redelivery after a lost commit. */
  redeliver(batches: readonly MessageIn[][]): Promise<BatchOutcome[]>;
  close(): Promise<void>;
}

let row = 0;
function messageOf(record: Record<string, unknown>): MessageIn {
  row += 1;
  return {
    key: null,
    value: Buffer.from(JSON.stringify(record)),
    headers: {},
    timestampMs: Date.now(),
    position: `file:${row}`,
  };
}

export function pipelineFor(document: Record<string, unknown>, redisUrl: string): PipelineRun {
  const settings = settingsOf(document);
  const redis = new Redis(redisUrl);
  const sink = sinkFor(settings, redis);
  const keys = stateKeysFor(settings.identity, settings.sink);
  const gate = new Gate(redis, {
    keys,
    leaseToken: keys.flow,
    leaseMs: 30_000,
    idTtlSeconds: 3600,
    mode: 'normal',
    nowMs: () => Date.now(),
  });
  const deadLetters: DeadLetterEntry[] = [];
  const delivered: MessageIn[][] = [];
  const deps = {
    flow: settings.flow,
    gate,
    sink,
    deadLetter: {
      send: (entries: readonly DeadLetterEntry[]) =>
        Promise.resolve(void deadLetters.push(...entries)),
    },
    checkpoint: { commit: () => Promise.resolve() },
    log: pino({ level: 'silent' }),
    nowMs: () => Date.now(),
    signal: new AbortController().signal,
    retry: { initialBackoffMs: 50, maxBackoffMs: 500 },
    busyWaitMs: 50,
  };
  const deliver = async (batches: readonly MessageIn[][]): Promise<BatchOutcome[]> => {
    const outcomes: BatchOutcome[] = [];
    for (const messages of batches) {
      delivered.push(messages);
      const batch = {
        messages,
        label: 'test',
        position: null,
        heartbeat: () => Promise.resolve(),
        isStale: () => false,
      };
      outcomes.push(await processBatch(batch, deps));
    }
    return outcomes;
  };
  return {
    settings,
    deadLetters,
    delivered,
    run: (batches) => deliver(batches.map((records) => records.map(messageOf))),
    redeliver: (batches) => deliver(batches),
    close: async () => {
      await sink.close();
      redis.disconnect();
    },
  };
}

/** Every record `times` times, each round in another order (duplicates and reordering). */
export function shuffledRounds<T>(records: readonly T[], times = 3): T[][] {
  const rounds: T[][] = [];
  for (let r = 0; r < times; r++) {
    const order = records.map((rec, i) => ({
      rec,
      k: (i * (7 + 2 * r) + r * 3) % (records.length + 1),
    }));
    rounds.push(order.sort((a, b) => a.k - b.k).map((o) => o.rec));
  }
  return rounds;
}
