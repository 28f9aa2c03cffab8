// What the runtime needs, derived from the validated flow document: the flow's mapping, the
// Kafka (source and batch archive), Redis and sink endpoints (Commerce, or the ERP for orders) with credentials read from
// the mounted Secret files, the sink connection's shared budget, and the state keys. Throws
// FatalError for what this build cannot run, naming the field.
import { join } from 'node:path';
import type { FlowConfig } from '../crds/flow-config.ts';
import { parseDuration } from '../crds/syncflow.ts';
import type { SyncConnectionSpec } from '../crds/connection.ts';
import { archiveTopicFor, consumerGroupFor } from '../crds/flow-state-keys.ts';
import { FatalError } from './errors.ts';
import type { FlowDefinition, FlowKind } from './flow/flow.ts';
import { archiveRetentionMsFor } from './modes/batch-archive-chunks.ts';
import type { CommerceAuth, CommerceSinkOptions } from './sinks/commerce/commerce-sink.ts';
import { priorityOf, type BudgetOptions, type Priority } from './sinks/budget/budget.ts';
import type { ErpAuth, ErpSinkOptions, ErpSinkTarget } from './sinks/erp/erp-sink.ts';

export interface BudgetSettings extends BudgetOptions {
  priority: Priority;
}

/** How to reach a kafka connection's cluster. */
export interface KafkaConnectionSettings {
  brokers: string[];
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  ssl: boolean;
}

/** `spec.archive` of a batch flow: where each run archives its export. */
export interface ArchiveSettings {
  connection: KafkaConnectionSettings;
  topic: string;
  keepRuns: number;
  /** retention.ms of the topic when the runtime creates it. */
  retentionMs: number;
  /** Prefix of the consumer groups that read archived exports back. */
  groupPrefix: string;
}

export interface RuntimeSettings {
  identity: { instanceId: string; namespace: string; name: string };
  flow: FlowDefinition;
  sink: { connection: string; entity: string };
  kafka: KafkaConnectionSettings & {
    topic: string;
    deadLetterTopic: string;
    groupId: string;
    fromBeginning: boolean;
    /** notification: events carry keys; the entity is read through `source.poll`. */
    payload?: 'full' | 'notification';
  };
  redis: { url: string; username?: string; password?: string };
  /** Set when the flow writes into Commerce. */
  commerce?: CommerceSinkOptions;
  /** Set when the flow writes into the ERP (orders). */
  erp?: ErpSinkOptions;
  /** The sink connection's budget, shared through Redis by every flow and pod using it. */
  budget?: BudgetSettings;
  /** Batch flows with `spec.archive`. */
  archive?: ArchiveSettings;
}

export interface FileAccess {
  /** Reads a file of the pod (already resolved under SYNCFLOW_ROOT by the caller's pathOf). */
  read(path: string): string;
  pathOf(path: string): string;
}

const supported: Record<string, { flow: FlowKind; entities: readonly string[] }> = {
  inventory: { flow: 'inventory', entities: ['sourceItem'] },
  credit: { flow: 'credit', entities: ['companyCredit'] },
  pricing: { flow: 'pricing', entities: ['base', 'tier', 'special', 'sharedCatalog'] },
  orderStatus: { flow: 'orderStatus', entities: ['shipment', 'invoice'] },
  order: { flow: 'order', entities: ['salesOrder'] },
  catalog: { flow: 'catalog', entities: ['product'] },
  customer: { flow: 'customer', entities: ['company', 'buyer', 'address'] },
};

/** Where the operator mounts a connection's CA bundle entry (ConfigMap or Secret). */
export function caBundleDirFor(connectionName: string): string {
  return `/etc/syncflow/ca/${connectionName}/`;
}

export function connectionOf(
  config: FlowConfig,
  name: string,
): { spec: SyncConnectionSpec; secretDir?: string | undefined } {
  const connection = config.connections[name];
  if (!connection) throw new FatalError(`connections.${name}: missing from the flow document`);
  return connection;
}

export function secretOf(
  files: FileAccess,
  connection: { secretDir?: string | undefined },
  name: string,
  key: string,
): string {
  if (connection.secretDir === undefined)
    throw new FatalError(`connections.${name}.secretDir: needed to read Secret key ${key}`);
  const path = files.pathOf(join(connection.secretDir, key));
  try {
    return files.read(path).trim();
  } catch (err) {
    throw new FatalError(`read Secret key ${key} of connection ${name} at ${path}`, { cause: err });
  }
}

function commerceAuthOf(
  files: FileAccess,
  name: string,
  connection: { spec: SyncConnectionSpec; secretDir?: string | undefined },
): CommerceAuth {
  const auth = connection.spec.auth;
  if (auth?.bearer) return { bearerToken: secretOf(files, connection, name, auth.bearer.tokenKey) };
  if (auth?.oauth1) {
    const o = auth.oauth1;
    const read = (key: string): string => secretOf(files, connection, name, key);
    return {
      oauth1: {
        consumerKey: read(o.consumerKeyKey),
        consumerSecret: read(o.consumerSecretKey),
        accessToken: read(o.accessTokenKey),
        accessTokenSecret: read(o.accessTokenSecretKey),
      },
    };
  }
  throw new FatalError(
    `connections.${name}.spec.auth: this build signs Commerce requests with auth.bearer or auth.oauth1 only`,
  );
}

export function caOf(
  files: FileAccess,
  name: string,
  spec: SyncConnectionSpec,
): string | undefined {
  const bundle = spec.tls?.caBundle;
  const key = bundle?.secretRef?.key ?? bundle?.configMapRef?.key;
  if (key === undefined) return undefined;
  const path = files.pathOf(join(caBundleDirFor(name), key));
  try {
    return files.read(path);
  } catch (err) {
    throw new FatalError(`read CA bundle of connection ${name} at ${path}`, { cause: err });
  }
}

function commerceOf(config: FlowConfig, files: FileAccess, kind: FlowKind): CommerceSinkOptions {
  const { sink } = config.flow.spec;
  const connection = connectionOf(config, sink.connection);
  const { spec } = connection;
  if (spec.type !== 'commerce' || spec.url === undefined)
    throw new FatalError(
      `connections.${sink.connection}: the sink needs a connection of type commerce`,
    );
  const ca = caOf(files, sink.connection, spec);
  return {
    flow: kind,
    entity: config.flow.spec.entity,
    batchSize: sink.commerce?.batchSize ?? 20,
    companyLookupField: 'reseller_id',
    tierKeyPrefix: `sf:${config.instanceId}:tiers:${sink.connection}`,
    addressKeyPrefix: `sf:${config.instanceId}:addresses:${sink.connection}`,
    lockKeyPrefix: `sf:${config.instanceId}:locks:${sink.connection}`,
    customerIdAttribute: 'erp_id',
    addressIdAttribute: 'erp_address_id',
    client: {
      url: spec.url,
      storeCode: sink.commerce?.storeCode ?? spec.commerce?.storeCode ?? 'all',
      auth: commerceAuthOf(files, sink.connection, connection),
      ...(ca === undefined ? {} : { ca }),
      maxInFlight: spec.concurrency.maxInFlight,
      requestTimeoutMs: parseDuration(spec.requestTimeout) * 1000,
      nowMs: () => Date.now(),
    },
  };
}

type KafkaSourceSpec = NonNullable<FlowConfig['flow']['spec']['source']['kafka']>;

function kafkaSourceOf(config: FlowConfig): KafkaSourceSpec {
  const { kafka } = config.flow.spec.source;
  if (!kafka) throw new FatalError('flow.spec.source.kafka: consume mode reads a Kafka topic');
  return kafka;
}

/** The cluster of a connection that must be of type kafka; `what` names the use in the error. */
function kafkaConnectionOf(
  config: FlowConfig,
  files: FileAccess,
  name: string,
  what: string,
): KafkaConnectionSettings {
  const connection = connectionOf(config, name);
  const { spec } = connection;
  if (spec.type !== 'kafka' || spec.brokers === undefined)
    throw new FatalError(`connections.${name}: ${what} needs a connection of type kafka`);
  const basic = spec.auth?.basic;
  const read = (key: string): string => secretOf(files, connection, name, key);
  return {
    brokers: spec.brokers,
    ...(basic
      ? {
          sasl: {
            mechanism: spec.kafka?.saslMechanism ?? 'scram-sha-512',
            username: read(basic.usernameKey),
            password: read(basic.passwordKey),
          },
        }
      : {}),
    ssl: spec.tls !== undefined,
  };
}

function identityOf(config: FlowConfig): RuntimeSettings['identity'] {
  return {
    instanceId: config.instanceId,
    namespace: config.flow.namespace,
    name: config.flow.name,
  };
}

function kafkaOf(config: FlowConfig, files: FileAccess): RuntimeSettings['kafka'] {
  const { source, initialSync } = config.flow.spec;
  const kafka = kafkaSourceOf(config);
  return {
    ...kafkaConnectionOf(config, files, source.connection, 'the source'),
    topic: kafka.topic,
    deadLetterTopic: kafka.deadLetterTopic ?? `${kafka.topic}.dlq`,
    groupId: consumerGroupFor(identityOf(config)),
    fromBeginning: initialSync?.from !== 'now',
    payload: kafka.payload,
  };
}

function archiveOf(config: FlowConfig, files: FileAccess): ArchiveSettings | undefined {
  const { archive } = config.flow.spec;
  if (archive === undefined) return undefined;
  const identity = identityOf(config);
  return {
    connection: kafkaConnectionOf(config, files, archive.connection, 'spec.archive'),
    topic: archive.topic ?? archiveTopicFor(identity),
    keepRuns: archive.keepRuns,
    retentionMs: archiveRetentionMsFor(archive.keepRuns, config.plan.maxLagSeconds),
    groupPrefix: consumerGroupFor(identity),
  };
}

function redisOf(config: FlowConfig, files: FileAccess): RuntimeSettings['redis'] {
  const name = config.flow.spec.state.connection;
  const connection = connectionOf(config, name);
  if (connection.spec.type !== 'redis' || connection.spec.url === undefined)
    throw new FatalError(`connections.${name}: state needs a connection of type redis`);
  const basic = connection.spec.auth?.basic;
  if (!basic) return { url: connection.spec.url };
  return {
    url: connection.spec.url,
    username: secretOf(files, connection, name, basic.usernameKey),
    password: secretOf(files, connection, name, basic.passwordKey),
  };
}

/** Everything but the Kafka source: what poll and batch runs need. */
export type BaseSettings = Omit<RuntimeSettings, 'kafka'>;

export function settingsFor(config: FlowConfig, files: FileAccess): RuntimeSettings {
  return { ...baseSettingsFor(config, files), kafka: kafkaOf(config, files) };
}

function erpAuthOf(
  files: FileAccess,
  name: string,
  connection: { spec: SyncConnectionSpec; secretDir?: string | undefined },
): ErpAuth | undefined {
  const auth = connection.spec.auth;
  const read = (key: string): string => secretOf(files, connection, name, key);
  if (auth?.basic)
    return {
      basic: { username: read(auth.basic.usernameKey), password: read(auth.basic.passwordKey) },
    };
  if (auth?.oauth2)
    throw new FatalError(
      `connections.${name}.spec.auth.oauth2: not implemented for ERP sinks in this build`,
    );
  return auth === undefined ? undefined : commerceAuthOf(files, name, connection);
}

function erpTargetOf(config: FlowConfig, spec: SyncConnectionSpec): ErpSinkTarget {
  const { sink } = config.flow.spec;
  if (spec.type === 'suiteql')
    return { kind: 'suiteql', recordType: sink.suiteql?.recordType ?? 'salesOrder' };
  if ((spec.type === 'odata' || spec.type === 'odata-v2') && sink.odata)
    return {
      kind: 'odata',
      entitySet: sink.odata.entitySet,
      externalIdField: sink.odata.externalIdField,
      // The ERP may still commit an unanswered create for as long as a request may take.
      settleMs: 2 * parseDuration(spec.requestTimeout) * 1000,
      inDoubtPrefix: `sf:${config.instanceId}:indoubt:${sink.connection}`,
    };
  throw new FatalError(
    `flow.spec.sink: orders go into a suiteql connection, or an odata connection with sink.odata`,
  );
}

function erpOf(config: FlowConfig, files: FileAccess): ErpSinkOptions {
  const name = config.flow.spec.sink.connection;
  const connection = connectionOf(config, name);
  const { spec } = connection;
  if (spec.url === undefined)
    throw new FatalError(`connections.${name}.spec.url: the ERP sink needs a URL`);
  const ca = caOf(files, name, spec);
  const auth = erpAuthOf(files, name, connection);
  return {
    target: erpTargetOf(config, spec),
    client: {
      url: spec.url,
      auth,
      ...(ca === undefined ? {} : { ca }),
      ...(spec.queryParameters ? { queryParameters: spec.queryParameters } : {}),
      maxInFlight: spec.concurrency.maxInFlight,
      requestTimeoutMs: parseDuration(spec.requestTimeout) * 1000,
      nowMs: () => Date.now(),
    },
  };
}

function budgetOf(config: FlowConfig, kind: FlowKind): BudgetSettings {
  const name = config.flow.spec.sink.connection;
  const { spec } = connectionOf(config, name);
  const requestTimeoutMs = parseDuration(spec.requestTimeout) * 1000;
  return {
    keyPrefix: `sf:${config.instanceId}:budget:${name}`,
    maxInFlight: spec.concurrency.maxInFlight,
    // Renewed while a call runs; a killed pod's slots come back after this.
    leaseMs: 5000,
    targetLatencyMs: Math.max(100, requestTimeoutMs / 4),
    priority: priorityOf(kind),
  };
}

function kindOf(config: FlowConfig): FlowKind {
  const { spec } = config.flow;
  const kind = supported[spec.flow];
  if (!kind || !kind.entities.includes(spec.entity))
    throw new FatalError(
      `flow.spec.flow: ${spec.flow}/${spec.entity} is not implemented in this build (inventory, credit, pricing, orderStatus, order, catalog/product and customer are)`,
    );
  return kind.flow;
}

export function baseSettingsFor(config: FlowConfig, files: FileAccess): BaseSettings {
  const { spec } = config.flow;
  const kind = kindOf(config);
  const sinkConnection = connectionOf(config, spec.sink.connection).spec;
  const target =
    kind === 'order'
      ? { erp: erpOf(config, files) }
      : { commerce: commerceOf(config, files, kind) };
  const archive = archiveOf(config, files);
  return {
    identity: identityOf(config),
    flow: {
      flow: kind,
      entity: spec.entity,
      options: {
        fields: spec.mapping.fields,
        deletes: spec.deletes,
        defaults: { sourceCode: sinkConnection.commerce?.defaultSourceCode ?? 'default' },
        ...(sinkConnection.commerce?.sources
          ? { sourceCodes: sinkConnection.commerce.sources }
          : {}),
      },
    },
    sink: { connection: spec.sink.connection, entity: spec.entity },
    redis: redisOf(config, files),
    ...target,
    budget: budgetOf(config, kind),
    ...(archive ? { archive } : {}),
  };
}
