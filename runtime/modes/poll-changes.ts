// Blast radius of a poll or a sweep, judged before its first write: the entities of the delta
// the gate would let through. Rows it would drop — re-read unchanged in the overlap window,
// already carried by an event, older than what was applied — are no change. Pages are read only
// until the guard is decided: none past the first when the delta cannot hold enough changes to
// trip it, and none past the one that trips it. A delta longer than a page that stays within the
// guard is read twice (here, then by the run): the price of writing nothing when it would trip.
import { latestPerKey, recordsFor, type FlowDefinition, type MessageIn } from '../flow/flow.ts';
import type { Gate } from '../gate/gate.ts';
import { changeRatioTrip, deltaBoundOf, type GuardedRun } from '../guards/guards.ts';
import type { DeltaPage, DeltaReader } from '../sources/delta.ts';
import { DeltaSource, messageOfRow } from '../sources/delta-source.ts';

export interface PollChangeInput {
  /** The delta's first page, already read (DeltaSource.peek). */
  first: DeltaPage;
  reader: DeltaReader;
  pageSize: number;
  flow: FlowDefinition;
  gate: Pick<Gate, 'peek'>;
  /** Entities the target already holds, as the gate knows them. */
  entities: number;
  maxChangeRatio: number | undefined;
  run: Exclude<GuardedRun, 'export'>;
  signal: AbortSignal;
}

export interface PollChanges {
  /** Distinct entities the gate would write, counted until the guard was decided. */
  changes: number;
  /** Pages read past the first. */
  pagesRead: number;
  /** Why the guard stops the run, or undefined. */
  trip: string | undefined;
}

/** Counts the delta's changes page by page, stopping as soon as the guard trips. */
export async function countPollChanges(input: PollChangeInput): Promise<PollChanges> {
  const { first, entities, maxChangeRatio, run } = input;
  const tripOf = (changes: number, atLeast = true): string | undefined =>
    changeRatioTrip({ changes, entities, maxChangeRatio, run, atLeast });
  const bound = deltaBoundOf({ rows: first.rows.length, more: first.more, total: first.total });
  if (tripOf(bound) === undefined) return { changes: 0, pagesRead: 0, trip: undefined };
  const changed = new Set<string>();
  const count = async (messages: readonly MessageIn[]): Promise<void> => {
    const { latest } = latestPerKey(recordsFor(messages, input.flow).envelopes);
    const verdicts = await input.gate.peek(latest);
    latest.forEach((envelope, i) => {
      if (verdicts[i] === 'apply') changed.add(envelope.key);
    });
  };
  await count(first.rows.map((row) => messageOfRow(input.reader.name, row, first.readAtMs)));
  const last = first.rows.at(-1);
  if (!first.more || last === undefined)
    return { changes: changed.size, pagesRead: 0, trip: tripOf(changed.size, false) };
  if (tripOf(changed.size) !== undefined)
    return { changes: changed.size, pagesRead: 0, trip: tripOf(changed.size) };
  const decided = new AbortController();
  const rest = new DeltaSource({
    reader: input.reader,
    start: { after: { modifiedMs: last.modifiedMs, key: last.key } },
    pageSize: input.pageSize,
  });
  await rest.run(
    async (batch) => {
      await count(batch.messages);
      if (tripOf(changed.size) !== undefined) decided.abort();
    },
    AbortSignal.any([input.signal, decided.signal]),
  );
  const stoppedEarly = decided.signal.aborted;
  return {
    changes: changed.size,
    pagesRead: rest.pagesRead,
    trip: tripOf(changed.size, stoppedEarly),
  };
}
