// Which DeltaReader a flow polls: the flow's own source section (odata, suiteql), or for a Kafka
// flow its `source.poll` section (the sweep poll, and the reads behind notification events).
import type { FlowConfig } from '../../crds/flow-config.ts';
import { parseDuration } from '../../crds/syncflow.ts';
import { FatalError } from '../errors.ts';
import { connectionOf, type FileAccess } from '../settings.ts';
import type { DeltaReader } from './delta.ts';
import { ErpClient, erpClientOptionsFor } from './erp-client.ts';
import { ODataReader } from './odata.ts';
import { commerceReaderFor, restReaderFor } from './rest.ts';
import { SuiteqlReader } from './suiteql.ts';
import type { CommerceSource, OdataSource, RestSource, SuiteqlSource } from './source-specs.ts';

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

function restPoll(client: ErpClient, spec: RestSource): Reading {
  return {
    reader: restReaderFor(client, spec),
    pageSize: spec.pageSize,
    overlapMs: parseDuration(spec.overlap) * 1000,
    keyFields: spec.keyFields,
  };
}

function commercePoll(client: ErpClient, spec: CommerceSource): Reading {
  return {
    reader: commerceReaderFor(client, spec),
    pageSize: spec.pageSize,
    overlapMs: parseDuration(spec.overlap) * 1000,
    keyFields: [spec.keyField],
  };
}

type Section = Pick<
  FlowConfig['flow']['spec']['source'],
  'odata' | 'suiteql' | 'rest' | 'commerce'
>;

function readingOf(client: ErpClient, section: Section, type: string): Reading | undefined {
  const { odata, suiteql, rest, commerce } = section;
  const readers: Record<string, (() => Reading) | undefined> = {
    odata: odata && (() => odataPoll(client, odata, 4)),
    'odata-v2': odata && (() => odataPoll(client, odata, 2)),
    suiteql: suiteql && (() => suiteqlPoll(client, suiteql)),
    rest: rest && (() => restPoll(client, rest)),
    commerce: commerce && (() => commercePoll(client, commerce)),
  };
  return readers[type]?.();
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
  const reading = readingOf(client, section, type);
  if (reading) return { ...common, ...reading };
  void client.close();
  throw new FatalError(
    `flow.spec.source: a ${type} connection cannot be polled with this section (odata needs an odata/odata-v2 connection, suiteql a suiteql one, rest a rest one, commerce a commerce one)`,
  );
}
