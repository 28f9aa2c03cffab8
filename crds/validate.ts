// Semantic validation of a SyncFlow: what the apiserver cannot judge alone (a cron that never
// fires, a time zone that does not exist, connections that are missing or of the wrong type, a
// mapping that lacks the entity's fields). The operator calls it before planning; it reads no
// Secret and does no I/O. Each problem names the field and says what to write instead.
import type { ConnectionType, SyncConnectionSpec } from './connection.ts';
import { canFire, parseCron } from './cron.ts';
import { directionOf, requiredCanonicalFields } from './flows.ts';
import { sinkVariantOf, sourceVariantOf, type SinkVariant, type SourceVariant } from './source.ts';
import type { SyncFlowSpec } from './syncflow.ts';
import { checkTimeZone } from './time-zone.ts';

export interface FlowProblem {
  /** Path of the offending field, e.g. spec.source.connection. */
  field: string;
  /** Starts with the field; says what is wrong and what to write instead. */
  message: string;
}

/** Connections of the flow's namespace by name; absent names are missing connections. */
export type ConnectionsByName = Readonly<Record<string, SyncConnectionSpec | undefined>>;

const problem = (field: string, text: string): FlowProblem => ({
  field,
  message: `${field}: ${text}`,
});

const sourceTypes: Record<SourceVariant, readonly ConnectionType[]> = {
  kafka: ['kafka'],
  odata: ['odata', 'odata-v2'],
  suiteql: ['suiteql'],
  rest: ['rest'],
  file: ['rest'],
  commerce: ['commerce'],
};

const sinkTypes: Record<SinkVariant, readonly ConnectionType[]> = {
  commerce: ['commerce'],
  odata: ['odata', 'odata-v2'],
  suiteql: ['suiteql'],
  rest: ['rest'],
};

function scheduleProblems(spec: SyncFlowSpec): FlowProblem[] {
  if (spec.schedule === undefined) return [];
  const parsed = parseCron(spec.schedule);
  if (!parsed.ok) return [problem('spec.schedule', `"${spec.schedule}" ${parsed.problem}`)];
  if (canFire(parsed.cron)) return [];
  return [
    problem(
      'spec.schedule',
      `"${spec.schedule}" never fires: no chosen month has that day of month; pick a day every chosen month has (1-28 is always safe)`,
    ),
  ];
}

function timeZoneProblems(spec: SyncFlowSpec): FlowProblem[] {
  const text = checkTimeZone(spec.timeZone);
  return text === undefined ? [] : [problem('spec.timeZone', text)];
}

/** True when the numbers name a real moment: Date.UTC rolls 30 February over to March. */
function isRealMoment(parts: number[]): boolean {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  const moment = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const back = [
    moment.getUTCFullYear(),
    moment.getUTCMonth() + 1,
    moment.getUTCDate(),
    moment.getUTCHours(),
    moment.getUTCMinutes(),
    moment.getUTCSeconds(),
  ];
  return back.every((value, index) => value === parts[index]);
}

function initialSyncProblems(spec: SyncFlowSpec): FlowProblem[] {
  const from = spec.initialSync?.from;
  const date = from?.match(/^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})/);
  if (!date || isRealMoment(date.slice(1).map(Number))) return [];
  return [
    problem(
      'spec.initialSync.from',
      `"${from}" is not a real time; write one such as 2025-01-31T06:00:00Z`,
    ),
  ];
}

interface Reference {
  field: string;
  name: string;
  allowed: readonly ConnectionType[];
  what: string;
}

function referencesOf(spec: SyncFlowSpec): Reference[] {
  const source = sourceVariantOf(spec.source);
  const sink = sinkVariantOf(spec.sink);
  const refs: Reference[] = [
    {
      field: 'spec.source.connection',
      name: spec.source.connection,
      allowed: sourceTypes[source],
      what: `source.${source}`,
    },
    {
      field: 'spec.sink.connection',
      name: spec.sink.connection,
      allowed: sink ? sinkTypes[sink] : ['commerce'],
      what: sink ? `sink.${sink}` : 'a sink without a typed section',
    },
    {
      field: 'spec.state.connection',
      name: spec.state.connection,
      allowed: ['redis'],
      what: 'state',
    },
  ];
  if (spec.archive)
    refs.push({
      field: 'spec.archive.connection',
      name: spec.archive.connection,
      allowed: ['kafka'],
      what: 'the archive',
    });
  const poll = spec.source.poll;
  if (poll) {
    const variant =
      (['odata', 'suiteql', 'rest', 'commerce'] as const).find((key) => poll[key] !== undefined) ??
      'odata';
    refs.push({
      field: 'spec.source.poll.connection',
      name: poll.connection,
      allowed: sourceTypes[variant],
      what: `source.poll.${variant}`,
    });
  }
  return refs;
}

function referenceProblems(ref: Reference, connections: ConnectionsByName): FlowProblem[] {
  const connection = connections[ref.name];
  if (connection === undefined) {
    const known = Object.keys(connections).filter((name) => connections[name] !== undefined);
    const hint =
      known.length > 0 ? `write one of ${known.join(', ')}, or create it` : 'create it first';
    return [problem(ref.field, `no SyncConnection named ${ref.name} in this namespace; ${hint}`)];
  }
  if (ref.allowed.includes(connection.type)) return [];
  return [
    problem(
      ref.field,
      `${ref.name} is a ${connection.type} connection, but ${ref.what} needs type ${ref.allowed.join(' or ')}; name such a connection or change the section`,
    ),
  ];
}

function directionProblems(spec: SyncFlowSpec, connections: ConnectionsByName): FlowProblem[] {
  const sink = connections[spec.sink.connection];
  if (sink === undefined) return [];
  const toCommerce = directionOf(spec.flow) === 'erpToCommerce';
  if (toCommerce === (sink.type === 'commerce')) return [];
  const text = toCommerce
    ? `the ${spec.flow} flow writes to Commerce: name a commerce connection`
    : 'the order flow writes into the ERP: name the ERP connection and its section (sink.odata or sink.suiteql)';
  return [problem('spec.sink.connection', text)];
}

function mappingProblems(spec: SyncFlowSpec): FlowProblem[] {
  const required = requiredCanonicalFields[spec.entity];
  const problems: FlowProblem[] = [];
  for (const [name, types] of Object.entries(required)) {
    const field = spec.mapping.fields[name];
    if (field === undefined) {
      problems.push(
        problem(
          `spec.mapping.fields.${name}`,
          `the ${spec.entity} entity needs ${name}; add ${name}: { path: <source field>, type: ${types[0]} }`,
        ),
      );
    } else if (!types.includes(field.type)) {
      problems.push(
        problem(
          `spec.mapping.fields.${name}.type`,
          `${name} cannot be ${field.type}; write type: ${types.join(' or ')}`,
        ),
      );
    }
  }
  return problems;
}

/** The archive keeps batch exports: a flow that reads no file has nothing to archive. */
function archiveProblems(spec: SyncFlowSpec): FlowProblem[] {
  if (spec.archive === undefined || spec.source.file !== undefined) return [];
  return [
    problem(
      'spec.archive',
      `only batch flows (source.file) archive their exports; a ${sourceVariantOf(spec.source)} source is replayed from its own log or cursor: remove archive`,
    ),
  ];
}

/** Every problem of a flow the server cannot see; empty when the flow can be planned. */
export function validateFlow(spec: SyncFlowSpec, connections: ConnectionsByName): FlowProblem[] {
  return [
    ...scheduleProblems(spec),
    ...timeZoneProblems(spec),
    ...initialSyncProblems(spec),
    ...archiveProblems(spec),
    ...referencesOf(spec).flatMap((ref) => referenceProblems(ref, connections)),
    ...directionProblems(spec, connections),
    ...mappingProblems(spec),
  ];
}
