// The demo's verdict for CI: a flow kept its budget when its initial sync ended during the run
// (when it carries entities the demo checks) and, from then on, nothing it carries stayed drifted
// longer than its budget, its measured lag (when the status has one) is within budget,
// it is Ready and its last run did not fail. Pure.
import type { SyncFlowStatus } from '../crds/syncflow.ts';
import type { Convergence } from './convergence.ts';

export interface FlowVerdict {
  name: string;
  ok: boolean;
  /** Why not, as a sentence; empty when ok. */
  reasons: string[];
  initialSyncSeconds: number | undefined;
}

interface VerdictInput {
  name: string;
  budgetSeconds: number;
  worstDriftMs: number;
  worstLagSeconds: number | undefined;
  status: SyncFlowStatus | undefined;
  /** From the flows' apply to the end of the first run; undefined while it has not ended. */
  initialSyncSeconds: number | undefined;
  /** Whether the ledger holds entities of this flow (the demo checks what it carries). */
  carries: boolean;
}

const checks: ((i: VerdictInput) => string | undefined)[] = [
  (i) =>
    i.carries && i.initialSyncSeconds === undefined
      ? 'its initial sync did not end within the run'
      : undefined,
  (i) =>
    i.worstDriftMs > i.budgetSeconds * 1000
      ? `an entity stayed drifted ${Math.round(i.worstDriftMs / 1000)}s (budget ${i.budgetSeconds}s)`
      : undefined,
  (i) =>
    i.worstLagSeconds !== undefined && i.worstLagSeconds > i.budgetSeconds
      ? `lag reached ${Math.round(i.worstLagSeconds)}s (budget ${i.budgetSeconds}s)`
      : undefined,
  (i) => {
    const ready = i.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return undefined;
    const why = ready?.reason ? `: ${ready.reason}` : '';
    return `not Ready${why}${ready?.message ? ` (${ready.message.slice(0, 160)})` : ''}`;
  },
  (i) => {
    const result = i.status?.lastRun?.result;
    return result !== undefined && result !== 'Succeeded' ? `last run ${result}` : undefined;
  },
];

export function verdictFor(input: VerdictInput): FlowVerdict {
  const reasons = checks.map((check) => check(input)).filter((r) => r !== undefined);
  return {
    name: input.name,
    ok: reasons.length === 0,
    reasons,
    initialSyncSeconds: input.initialSyncSeconds,
  };
}

export function summaryLines(verdicts: readonly FlowVerdict[], final: Convergence): string[] {
  const lines = verdicts.map((v) => {
    const initial =
      v.initialSyncSeconds === undefined
        ? ''
        : ` (initial sync ${Math.round(v.initialSyncSeconds)}s)`;
    return `${v.ok ? 'ok  ' : 'FAIL'} ${v.name}${initial}${v.ok ? '' : `: ${v.reasons.join('; ')}`}`;
  });
  lines.push(
    final.drifted.length === 0
      ? `final convergence: ${final.checked} entities, 0 drifted`
      : `final convergence: ${final.drifted.length} of ${final.checked} drifted, e.g. ${final.drifted
          .slice(0, 3)
          .map((d) => `${d.key} ERP=${String(d.expected)} Commerce=${String(d.actual ?? '—')}`)
          .join(', ')}`,
  );
  return lines;
}

export function isSuccess(verdicts: readonly FlowVerdict[], final: Convergence): boolean {
  return verdicts.every((v) => v.ok) && final.drifted.length === 0;
}
