// Pure part of the replay mode: from a topic's offsets (log start, log end, and the first offset
// at or after `from`), the range each partition replays, recorded once when the replay starts so
// that a restarted replay pod stops at the same end. A `from` before the log's start (records
// were removed and the first one retained is not older than `from`) is refused: what was
// removed can no longer be replayed, and replaying the rest would look complete while it is not.

export interface PartitionOffsets {
  partition: number;
  /** Log start offset (the first retained record). */
  low: number;
  /** Log end offset (the next record's offset): the replay stops before it. */
  high: number;
  /** First offset whose timestamp is at or after `from`; -1 when there is none. */
  atFrom: number;
}

export interface PartitionRange {
  partition: number;
  /** First offset replayed. */
  from: number;
  /** End offset recorded at the request, exclusive. */
  to: number;
}

export type RangeResult = { ranges: PartitionRange[] } | { refused: string };

/** The replay's range per partition, or the reason it cannot be replayed from `fromIso`. */
export function replayRangesFor(
  topic: string,
  fromIso: string,
  partitions: readonly PartitionOffsets[],
): RangeResult {
  const ranges: PartitionRange[] = [];
  for (const p of [...partitions].sort((a, b) => a.partition - b.partition)) {
    const start = p.atFrom < 0 ? p.high : Math.max(p.atFrom, p.low);
    if (p.low > 0 && start === p.low && start < p.high)
      return {
        refused:
          `from ${fromIso} is before the start of the log of ${topic} partition ${p.partition}: ` +
          `records before offset ${p.low} were removed by retention, so they cannot be replayed; ` +
          `create a replay with a later from, or re-read the source with a poll or initial sync`,
      };
    ranges.push({ partition: p.partition, from: start, to: Math.max(start, p.high) });
  }
  return { ranges };
}

/** Whether every partition reached its end offset. */
export function isReplayDone(
  ranges: readonly PartitionRange[],
  committed: ReadonlyMap<number, number>,
): boolean {
  return ranges.every((r) => (committed.get(r.partition) ?? r.from) >= r.to);
}

/** The messages of a batch still inside the range (offset below the recorded end). */
export function withinRange<M extends { offset: string }>(
  messages: readonly M[],
  range: PartitionRange | undefined,
): M[] {
  if (!range) return [];
  return messages.filter((m) => {
    const offset = Number(m.offset);
    return offset >= range.from && offset < range.to;
  });
}
