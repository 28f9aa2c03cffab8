// Entry of runtime/guards/ (pure): the checks at the start of a poll or batch run that stop it
// before anything is written. Schema drift: the source's shape (CSV header, `$metadata`, first
// records) no longer carries what the mapping reads. Blast radius: an empty snapshot, or a run
// that would change more than `guards.maxChangeRatio` of the entities. Each returns a reason.
import type { FieldSpec, MappedBatch } from '../flow/flow.ts';

/** Mapping fields a record may legitimately lack (markers, optional ids). */
const optionalFields = new Set(['deleted', 'op', 'eventId']);

function firstSegment(path: string): string {
  return path.split(/[.[]/)[0] ?? path;
}

/** A mapping field whose path the source's declared fields no longer have, as a sentence. */
export function driftOfFields(
  declared: readonly string[],
  fields: Readonly<Record<string, FieldSpec>>,
): string | undefined {
  const known = new Set(declared);
  const missing = Object.entries(fields).filter(
    ([name, spec]) =>
      spec.path !== undefined &&
      !optionalFields.has(name) &&
      !known.has(spec.path) &&
      !known.has(firstSegment(spec.path)),
  );
  if (missing.length === 0) return undefined;
  const list = missing.map(([name, spec]) => `${name} reads ${spec.path ?? ''}`).join(', ');
  const shown = declared.slice(0, 40).join(', ');
  return `schema drift: the source no longer has the field the mapping reads (${list}); the source has: ${shown}`;
}

/**
 * Drift the names do not show (columns swapped, a field that changed type): every record of
 * the sample fails the mapping. One bad record among good ones is a bad record, not drift.
 */
export function driftOfSample(mapped: MappedBatch): string | undefined {
  const sampled = mapped.envelopes.length + mapped.poison.length;
  const first = mapped.poison[0];
  if (sampled === 0 || mapped.envelopes.length > 0 || first === undefined) return undefined;
  return `schema drift: all ${sampled} first records fail the mapping, e.g. ${first.reason}`;
}

/**
 * What a person does to let a stopped run go ahead (the operator's `syncflow.io/approve`
 * annotation, handed to the next run as its approval token).
 */
export const approveHint =
  'to apply it once, annotate the SyncFlow with syncflow.io/approve: <a token not used before>';

export function emptySnapshotTrip(rows: number, allowEmptySnapshot: boolean): string | undefined {
  if (rows > 0 || allowEmptySnapshot) return undefined;
  return `guard tripped: the export holds no records (set guards.allowEmptySnapshot if an empty export is expected); ${approveHint}`;
}

/** Which run would change the entities, for the message. */
export type GuardedRun = 'poll' | 'sweep' | 'export';

const subjectOf: Record<GuardedRun, string> = {
  poll: 'the poll',
  sweep: 'the sweep poll',
  export: 'the export',
};

/** A sweep writes only what the events missed: many such records mean something broke. */
const causeOf: Record<GuardedRun, string> = {
  poll: '',
  sweep: ' (events missed en masse, or a source gone bad?)',
  export: '',
};

export function changeRatioTrip(input: {
  changes: number;
  entities: number;
  maxChangeRatio: number | undefined;
  /** Default: export. */
  run?: GuardedRun | undefined;
  /** Counting stopped once the guard was decided: `changes` is a lower bound. */
  atLeast?: boolean;
}): string | undefined {
  const { changes, entities, maxChangeRatio } = input;
  // A first sync has nothing to protect: every entity is new.
  if (maxChangeRatio === undefined || entities === 0) return undefined;
  const ratio = changes / entities;
  if (ratio <= maxChangeRatio) return undefined;
  const share = `${input.atLeast === true ? 'at least ' : ''}${changes} of ${entities} entities (${(ratio * 100).toFixed(1)}%)`;
  const run = input.run ?? 'export';
  return `guard tripped: ${subjectOf[run]} would change ${share}, more than guards.maxChangeRatio ${maxChangeRatio}${causeOf[run]}; ${approveHint}`;
}

/**
 * The most records a delta can hold, from its first page: all of it when no page follows, the
 * source's count when it gives one, else unknown (Infinity). A guard that this many changes
 * cannot trip needs no look at the delta.
 */
export function deltaBoundOf(first: {
  rows: number;
  more: boolean;
  total?: number | undefined;
}): number {
  if (!first.more) return first.rows;
  return first.total ?? Number.POSITIVE_INFINITY;
}
