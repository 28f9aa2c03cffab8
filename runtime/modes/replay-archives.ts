// Pure part of a batch flow's replay: which archived exports to re-import for a `from`. A batch
// run archives the export it imported; the replay re-imports, oldest first, every archive whose
// as-of time is at or after `from`. An export imported at or after `from` that is no longer
// archived (pruned, or imported without an archive) cannot be re-imported: the replay is
// refused, as an event flow's is for a `from` before the log's start, since re-importing the
// rest would look complete while it is not.

export interface ArchiveEntry {
  runId: string;
  /** Path of the archived export below the archive directory. */
  path: string;
  /** Identity of the export the run imported (path or URL, size, time or ETag). */
  fileId: string;
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
        `archives are kept for the last runs, and only when the runtime has an archive directory, ` +
        `SYNCFLOW_ARCHIVE_DIR), so it cannot be re-imported; create a replay with a later from, ` +
        `or run the import again`,
    };
  }
  return {
    archives: archives
      .filter((a) => a.asOfMs >= from.ms)
      .sort((a, b) => a.asOfMs - b.asOfMs || a.runId.localeCompare(b.runId)),
  };
}
