// The last run and its consequences: status.lastRun, consecutiveFailedRuns, the poll or batch
// cursor, and the LastRunSucceeded, SchemaDrift and GuardTripped conditions — all from the run
// records the runtime keeps (newest first).
import type { SyncFlowStatus } from '../../crds/syncflow.ts';
import type { LagConditionType, WantedLagCondition } from './conditions.ts';
import type { RunRecord, RunResult, RunState } from './facts.ts';

type LastRun = NonNullable<SyncFlowStatus['lastRun']>;

const resultNames: Record<RunResult, NonNullable<LastRun['result']>> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  schemaDrift: 'SchemaDrift',
  guardTripped: 'GuardTripped',
};

const iso = (ms: number): string => new Date(ms).toISOString();

export interface RunOutcome {
  lastRun?: LastRun;
  consecutiveFailedRuns?: number;
  cursor?: NonNullable<SyncFlowStatus['cursor']>;
  conditions: WantedLagCondition[];
}

function lastRunOf(run: RunRecord): LastRun {
  return {
    startedAt: iso(run.startedAtMs),
    completedAt: iso(run.completedAtMs),
    records: run.records,
    failed: run.failed,
    deadLettered: run.deadLettered,
    result: resultNames[run.result],
  };
}

function summaryOf(run: RunRecord): string {
  const counts = `${run.records} records, ${run.applied} applied, ${run.failed} failed, ${run.deadLettered} dead-lettered`;
  const said = run.message ? `: ${run.message}` : '';
  return `${run.mode} run ${run.runId} ${run.result} at ${iso(run.completedAtMs)} (${counts})${said}`;
}

function runConditions(run: RunRecord): WantedLagCondition[] {
  const summary = summaryOf(run);
  const stop = (type: LagConditionType, result: RunResult, reason: string): WantedLagCondition =>
    run.result === result
      ? { type, status: 'True', reason: resultNames[result], message: summary }
      : { type, status: 'False', reason, message: `last run: ${run.result}` };
  return [
    run.result === 'succeeded'
      ? { type: 'LastRunSucceeded', status: 'True', reason: 'RunSucceeded', message: summary }
      : {
          type: 'LastRunSucceeded',
          status: 'False',
          reason: run.result === 'failed' ? 'RunFailed' : resultNames[run.result],
          message: summary,
        },
    stop('SchemaDrift', 'schemaDrift', 'SourceMatchesMapping'),
    stop('GuardTripped', 'guardTripped', 'WithinGuards'),
  ];
}

function cursorOf(state: RunState): RunOutcome['cursor'] {
  if (state.cursor) return { watermark: iso(state.cursor.modifiedMs) };
  const asOf = state.lastSuccessfulRun?.asOfMs;
  return asOf === undefined ? undefined : { watermark: iso(asOf) };
}

/** What the run records say; nothing when the flow has not completed a run yet. */
export function runOutcomeOf(state: RunState): RunOutcome {
  const [last] = state.runs;
  const cursor = cursorOf(state);
  if (!last) return { conditions: [], ...(cursor ? { cursor } : {}) };
  const firstSuccess = state.runs.findIndex((r) => r.result === 'succeeded');
  return {
    lastRun: lastRunOf(last),
    consecutiveFailedRuns: firstSuccess === -1 ? state.runs.length : firstSuccess,
    ...(cursor ? { cursor } : {}),
    conditions: runConditions(last),
  };
}
