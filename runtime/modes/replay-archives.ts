// Pure part of a batch flow's replay: which archived exports to re-import for a `from`. A batch
// run archives the export it imported; the replay re-imports, oldest first, every archive whose
// as-of time is at or after `from`. An export imported at or after `from` that is no longer
// archived (pruned, or imported without an archive) cannot be re-imported: the replay is
// refused, as an event flow's is for a `from` before the log's start, since re-importing the
// rest would look complete while it is not. So is one whose bytes the archive topic's retention
// has removed (its first offset is below the partition's log start).
import type { ArchivedExport } from './batch-archive-chunks.ts';

/** An imported run's archived export, as the index keeps it. */
export interface ArchiveEntry extends ArchivedExport {
  /** CloudEvent source of its rows, so a re-import carries the same event ids. */
  sourceName: string;
  asOfMs: number;
}

export type ArchivesResult = { archives: ArchiveEntry[] } | { refused: string };

/**
 * The archives to re-import from `fromMs`, or why not. `horizonMs` is the as-of time of the
 * newest imported export that is not archived (undefined when every import is).
 */
export function archivesToReplay(
  from: { ms: number; iso: string },
  archives: readonly ArchiveEntry[],
  horizonMs: number | undefined,
): ArchivesResult {
  if (horizonMs !== undefined && horizonMs >= from.ms) {
    const oldest = archives.reduce<number | undefined>(
      (min, a) => (min === undefined || a.asOfMs < min ? a.asOfMs : min),
      undefined,
    );
    const since =
      oldest === undefined
        ? 'no export of this flow is archived'
        : `the oldest archived export is as of ${new Date(oldest).toISOString()}`;
    return {
      refused:
        `from ${from.iso} is before the oldest archived export: the export as of ` +
        `${new Date(horizonMs).toISOString()} was imported but is not archived (${since}; ` +
        `spec.archive keeps the exports of its last keepRuns runs, from when it was set), so it ` +
        `cannot be re-imported; create a replay with a later from, or run the import again`,
    };
  }
  return {
    archives: archives
      .filter((a) => a.asOfMs >= from.ms)
      .sort((a, b) => a.asOfMs - b.asOfMs || a.runId.localeCompare(b.runId)),
  };
}

/**
 * Why an archive chosen for a replay cannot be read any more, if so: the topic is gone, or its
 * retention removed the run's first chunks. `logStarts` maps partitions of the topic to their
 * first offset; undefined when the topic does not exist.
 */
export function removedArchiveOf(
  from: { iso: string },
  archives: readonly ArchiveEntry[],
  logStarts: (topic: string) => ReadonlyMap<number, number> | undefined,
): string | undefined {
  for (const archive of archives) {
    const starts = logStarts(archive.topic);
    const start = starts?.get(archive.partition);
    const at = `the export as of ${new Date(archive.asOfMs).toISOString()} (run ${archive.runId})`;
    if (start === undefined)
      return `from ${from.iso}: ${at} was archived in ${archive.topic} partition ${archive.partition}, which does not exist any more; create a replay with a later from`;
    if (archive.firstOffset < start)
      return (
        `from ${from.iso} is before the start of the archive: ${at} was at offsets ` +
        `${archive.firstOffset}-${archive.lastOffset} of ${archive.topic} partition ${archive.partition}, ` +
        `whose log now starts at ${start} (retention removed it); create a replay with a later from`
      );
  }
  return undefined;
}
