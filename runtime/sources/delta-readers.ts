// Which DeltaReader a flow polls: the flow's own source section (odata, suiteql), or for a Kafka
// flow its `source.poll` section (the sweep poll, and the reads behind notification events).
import type { FlowConfig } from '../../crds/flow-config.ts';
import { parseDuration } from '../../crds/syncflow.ts';
import { FatalError } from '../errors.ts';
import { connectionOf, type FileAccess } from '../settings.ts';
import type { DeltaReader } from './delta.ts';
import { ErpClient, erpClientOptionsFor } from './erp-client.ts';
import { ODataReader } from './odata.ts';
import { SuiteqlReader } from './suiteql.ts';
import type { OdataSource, SuiteqlSource } from './source-specs.ts';

export interface PollSource {
  connection: string;
  reader: DeltaReader;
  client: ErpClient;
  pageSize: number;
  overlapMs: number;
  /** Key fields, for reading single entities (notification events). */
  keyFields: string[];
  /** The connection's `concurrency.maxInFlight`, shared through Redis with every flow on it. */
  maxInFlight: number;
  requestTimeoutMs: number;
}

type Reading = Omit<PollSource, 'connection' | 'client' | 'maxInFlight' | 'requestTimeoutMs'>;

function odataPoll(client: ErpClient, spec: OdataSource, version: 4 | 2): Reading {
  return {
    reader: new ODataReader(client, spec, version),
    pageSize: spec.pageSize,
    overlapMs: parseDuration(spec.overlap) * 1000,
    keyFields: spec.keyFields,
  };
}

function suiteqlPoll(client: ErpClient, spec: SuiteqlSource): Reading {
  return {
    reader: new SuiteqlReader(client, spec),
    pageSize: spec.pageSize,
    overlapMs: parseDuration(spec.overlap) * 1000,
    keyFields: [spec.keyField],
  };
}

export function pollSourceFor(config: FlowConfig, files: FileAccess): PollSource {
  const { source } = config.flow.spec;
  const section = source.kafka ? source.poll : source;
  if (!section)
    throw new FatalError('flow.spec.source.poll: a Kafka flow polls through source.poll');
  const type = connectionOf(config, section.connection).spec.type;
  const options = erpClientOptionsFor(config, files, section.connection);
  const client = new ErpClient(options);
  const common = {
    connection: section.connection,
    client,
    maxInFlight: options.maxInFlight,
    requestTimeoutMs: options.requestTimeoutMs,
  };
  if (section.odata && (type === 'odata' || type === 'odata-v2'))
    return { ...common, ...odataPoll(client, section.odata, type === 'odata' ? 4 : 2) };
  if (section.suiteql && type === 'suiteql')
    return { ...common, ...suiteqlPoll(client, section.suiteql) };
  void client.close();
  throw new FatalError(
    `flow.spec.source: polling this section on a ${type} connection is not implemented in this build (odata on odata/odata-v2 connections and suiteql are; rest and commerce are not)`,
  );
}
