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

export function emptySnapshotTrip(rows: number, allowEmptySnapshot: boolean): string | undefined {
  if (rows > 0 || allowEmptySnapshot) return undefined;
  return 'guard tripped: the export holds no records; an empty snapshot is applied only with guards.allowEmptySnapshot or an approval';
}

export function changeRatioTrip(input: {
  changes: number;
  entities: number;
  maxChangeRatio: number | undefined;
}): string | undefined {
  const { changes, entities, maxChangeRatio } = input;
  // A first sync has nothing to protect: every entity is new.
  if (maxChangeRatio === undefined || entities === 0) return undefined;
  const ratio = changes / entities;
  if (ratio <= maxChangeRatio) return undefined;
  return `guard tripped: the run would change ${changes} of ${entities} entities (${(ratio * 100).toFixed(1)}%), more than guards.maxChangeRatio ${maxChangeRatio}; approve the run to apply it`;
}
