// What the gate's check would answer for one item, judged from what the gate stores and nothing
// else (pure): the rules of the check script in gate-scripts.ts minus its leases. It lets a run
// look ahead without writing — the change-ratio guard counts the records a run would write
// before it writes any. A change to the check script's rules changes this too; the gate's
// integration test holds the two to the same answers.
export interface StoredFacts {
  /** The item's event id was applied within the id TTL. */
  seen: boolean;
  /** The last applied version of its key. */
  applied: number | undefined;
  /** The last version of its key the target refused for good (already dead-lettered). */
  refused: number | undefined;
}

/** The check script's verdicts but `busy`, which only a lease decides. */
export type PeekVerdict = 'apply' | 'duplicate' | 'stale';

/** Against a stored version: older is stale, equal a duplicate unless equal may be written again. */
function againstStored(
  version: number,
  stored: number | undefined,
  rewriteEqual: boolean,
): PeekVerdict {
  if (stored === undefined || version > stored) return 'apply';
  if (version < stored) return 'stale';
  return rewriteEqual ? 'apply' : 'duplicate';
}

/** As the check script: `reapply` ignores seen ids, refusals and equal versions, never older ones. */
export function peekVerdictOf(version: number, stored: StoredFacts, reapply: boolean): PeekVerdict {
  if (!reapply && stored.seen) return 'duplicate';
  const applied = againstStored(version, stored.applied, reapply);
  if (applied !== 'apply' || reapply) return applied;
  return againstStored(version, stored.refused, false);
}
