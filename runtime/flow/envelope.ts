// What every flow's record carries besides its own fields: the gate key, the event id, the
// version, the `deleted` marker, and the checks that make a record a *set* (never a delta).

import type { DecodedEvent, MessageIn } from './decode.ts';
import { fieldOf, valueAt, type FieldSpec, type FieldValue } from './field-path.ts';

export interface Envelope<R> {
  /** Entity key inside (connection, entity), e.g. `SKU-1|warehouse-1` or an ERP company id. */
  key: string;
  /** Dedup id: a CloudEvent's `source#id`, a mapped `eventId`, or the message position. */
  eventId: string;
  /** Monotonic per key: a sequence number or a modification time in epoch ms. */
  version: number;
  deleted: boolean;
  record: R;
  /** Kafka message timestamp (epoch ms), for seconds-behind and produce-to-write latency. */
  timestampMs: number;
  position: string;
}

export interface Poison {
  reasonCode: string;
  reason: string;
}

export type MapResult<R> = { envelope: Envelope<R> } | { poison: Poison } | { ignored: string };

export type Fields = Readonly<Record<string, FieldSpec>>;

/**
 * CloudEvent type of the marker a source makes for an entity the system of record no longer
 * has (a notification whose entity is gone): a delete whatever the mapping reads.
 */
export const entityDeletedType = 'io.syncflow.entity.deleted';

/** Operation values that mean "set the state to this"; anything else is a delta or worse. */
const setOps = new Set(['set', 'upsert', 'create', 'update', 'snapshot', 'created', 'updated']);
const deleteOps = new Set(['delete', 'deleted', 'remove', 'removed']);
/** Keys whose presence marks a relative change ("reduce by 5"), which the gate cannot order. */
const deltaKeys = ['delta', 'adjustment', 'adjustBy', 'quantityDelta', 'qtyDelta', 'increment'];

export class FieldReader {
  readonly errors: string[] = [];
  readonly #data: unknown;
  readonly #fields: Fields;
  constructor(data: unknown, fields: Fields) {
    this.#data = data;
    this.#fields = fields;
  }

  read(name: string): FieldValue | undefined {
    const spec = this.#fields[name];
    if (!spec) return undefined;
    const result = fieldOf(this.#data, spec);
    if ('error' in result) {
      this.errors.push(result.error);
      return undefined;
    }
    return result.value;
  }

  required(name: string): FieldValue | undefined {
    const before = this.errors.length;
    const value = this.read(name);
    if (value === undefined && this.errors.length === before) {
      const spec = this.#fields[name];
      this.errors.push(
        spec
          ? `required field ${name} (${spec.path}) is missing`
          : `no mapping for required field ${name}`,
      );
    }
    return value;
  }
}

function deltaKeyIn(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  return deltaKeys.find((k) => valueAt(data, k) !== undefined);
}

export type Operation = { kind: 'set' } | { kind: 'delete' } | { poison: Poison };

/** Classifies the event as a set, a delete, or a refused delta. */
export function operationOf(event: DecodedEvent, reader: FieldReader): Operation {
  const deltaKey = deltaKeyIn(event.data);
  if (deltaKey !== undefined) {
    return {
      poison: {
        reasonCode: 'SF_DELTA_EVENT',
        reason: `delta event (field ${deltaKey}): only absolute values can be applied idempotently`,
      },
    };
  }
  if (event.type === entityDeletedType) return { kind: 'delete' };
  const op = reader.read('op');
  const opText = typeof op === 'string' ? op.toLowerCase() : undefined;
  if (reader.read('deleted') === true || (opText !== undefined && deleteOps.has(opText)))
    return { kind: 'delete' };
  if (opText !== undefined && !setOps.has(opText)) {
    return {
      poison: {
        reasonCode: 'SF_DELTA_EVENT',
        reason: `operation ${JSON.stringify(op)} is not a set: only absolute values can be applied idempotently`,
      },
    };
  }
  return { kind: 'set' };
}

/** The record's version: mapped `version`, else `modifiedAt`, else the CloudEvent time. */
export function versionOf(event: DecodedEvent, reader: FieldReader): number | undefined {
  const version = reader.read('version') ?? reader.read('modifiedAt') ?? event.eventTimeMs;
  return typeof version === 'number' ? version : undefined;
}

export function eventIdOf(event: DecodedEvent, reader: FieldReader, message: MessageIn): string {
  const mapped = reader.read('eventId');
  if (typeof mapped === 'string' || typeof mapped === 'number') return String(mapped);
  return event.eventId ?? message.position;
}

export function poisonOf(reasonCode: string, reason: string): { poison: Poison } {
  return { poison: { reasonCode, reason } };
}

export interface FlowOptions {
  fields: Fields;
  deletes: 'ignore' | 'apply';
  /** Values for canonical fields the source does not carry (e.g. one `sourceCode`). */
  defaults: Readonly<Record<string, FieldValue>>;
  /** Inventory: ERP plant/warehouse → Commerce source code (the Commerce connection's `sources`). */
  sourceCodes?: Readonly<Record<string, string>>;
}

export type Built<R> = { key: string; record: R } | undefined;

/** Runs the checks every flow shares around the flow's own `build` of its record. */
export function envelopeFor<R>(
  input: { event: DecodedEvent; message: MessageIn; options: FlowOptions },
  build: (reader: FieldReader, deleted: boolean) => Built<R>,
): MapResult<R> {
  const { event, message, options } = input;
  const reader = new FieldReader(event.data, options.fields);
  const operation = operationOf(event, reader);
  if ('poison' in operation) return operation;
  const deleted = operation.kind === 'delete';
  if (deleted && options.deletes === 'ignore')
    return { ignored: 'deleted marker ignored (deletes: ignore)' };
  const built = build(reader, deleted);
  const version = versionOf(event, reader);
  if (reader.errors.length > 0 || built === undefined) {
    return poisonOf('SF_INVALID_RECORD', reader.errors.join('; ') || 'record is incomplete');
  }
  if (version === undefined) {
    return poisonOf(
      'SF_NO_VERSION',
      'record has no version, modifiedAt or CloudEvent time: it cannot be ordered',
    );
  }
  const envelope: Envelope<R> = {
    key: built.key,
    eventId: eventIdOf(event, reader, message),
    version,
    deleted,
    record: built.record,
    timestampMs: message.timestampMs,
    position: message.position,
  };
  return { envelope };
}
