// The live table: one row per flow with the facts `kubectl get sf` gives (pattern, schedule,
// lag against budget, records of the last run, its result and age, conditions) and the
// convergence line under it, in at most 80 columns. Pure: statuses and the clock come in.
import type { SyncFlowStatus } from '../crds/syncflow.ts';
import type { Convergence } from './convergence.ts';

export const maxWidth = 80;
const dash = '—';

export interface FlowRow {
  name: string;
  /** The flow's budget at the demo's speed (what the check holds it to). */
  budgetSeconds: number;
  status: SyncFlowStatus | undefined;
}

/** 42 → "42s", 90 → "1m30", 7200 → "2h", 90000 → "1d1h": short, for narrow cells. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600)
    return `${Math.floor(s / 60)}m${s % 60 === 0 ? '' : String(s % 60).padStart(2, '0')}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? String(Math.floor((s % 3600) / 60)).padStart(2, '0') : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) || ''}h`.replace(
    /d0?h$/,
    'd',
  );
}

const columns = [
  { title: 'FLOW', width: 22 },
  { title: 'PATTERN', width: 7 },
  { title: 'RUNS', width: 9 },
  { title: 'LAG/BUDGET', width: 10 },
  { title: 'RECORDS', width: 7, right: true },
  { title: 'LAST RUN', width: 9 },
  // The rest of the 80 columns.
  { title: 'CONDITIONS', width: 10 },
] as const;

function fit(text: string, width: number, right = false): string {
  const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return right ? cut.padStart(width) : cut.padEnd(width);
}

function line(cells: readonly string[]): string {
  const parts = columns.map((c, i) =>
    i === columns.length - 1
      ? (cells[i] ?? '')
      : fit(cells[i] ?? '', c.width, 'right' in c && c.right),
  );
  const text = parts.join(' ').trimEnd();
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
}

function lagCell(row: FlowRow): string {
  const lag = row.status?.lag?.seconds;
  return `${lag === undefined ? dash : shortDuration(lag)}/${shortDuration(row.budgetSeconds)}`;
}

const resultWords: Record<string, string> = {
  Succeeded: 'ok',
  Failed: 'FAILED',
  GuardTripped: 'GUARD',
  SchemaDrift: 'DRIFT',
};

function lastRunCell(status: SyncFlowStatus | undefined, nowMs: number): string {
  const run = status?.lastRun;
  if (!run?.result) return dash;
  const at = Date.parse(run.completedAt ?? run.startedAt ?? '');
  const age = Number.isNaN(at) ? '' : ` ${shortDuration((nowMs - at) / 1000)}`;
  return `${resultWords[run.result] ?? run.result}${age}`;
}

/** "Ready", or the conditions that are not as they should be, with the reason of the first. */
export function conditionsCell(status: SyncFlowStatus | undefined): string {
  const conditions = status?.conditions ?? [];
  if (conditions.length === 0) return dash;
  const healthyWhenTrue = new Set(['Ready', 'LagWithinBudget', 'LastRunSucceeded']);
  const bad = conditions.filter(
    (c) =>
      c.status !== 'Unknown' &&
      (healthyWhenTrue.has(c.type) ? c.status === 'False' : c.status === 'True') &&
      c.type !== 'Reconciling',
  );
  if (bad.length === 0)
    return conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : dash;
  const [first] = bad;
  const word = (c: { type: string; status: string }): string =>
    healthyWhenTrue.has(c.type) ? `!${c.type}` : c.type;
  return bad.map(word).join(',') + (first?.reason ? ` (${first.reason})` : '');
}

const scheduleWords: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^\* \* \* \* \*$/, () => 'every 1m'],
  [/^\*\/(\d+) \* \* \* \*$/, (m) => `every ${m[1]}m`],
  [/^0 \* \* \* \*$/, () => 'hourly'],
  [/^0 \*\/(\d+) \* \* \*$/, (m) => `every ${m[1]}h`],
  [/^(\d+) (\d+) \* \* \*$/, (m) => `daily ${m[2]}:${m[1]?.padStart(2, '0')}`],
];

/** Cron lines the operator writes, in words that fit: "every 5m", "hourly", "daily 2:00". */
export function scheduleCell(status: SyncFlowStatus | undefined): string {
  const schedule = status?.schedule;
  if (schedule === undefined) return status?.pattern === 'event' ? 'always' : dash;
  for (const [pattern, word] of scheduleWords) {
    const m = pattern.exec(schedule);
    if (m) return word(m);
  }
  return schedule;
}

function rowCells(row: FlowRow, nowMs: number): string[] {
  return [
    row.name,
    row.status?.pattern ?? dash,
    scheduleCell(row.status),
    lagCell(row),
    row.status?.lastRun?.records === undefined ? dash : String(row.status.lastRun.records),
    lastRunCell(row.status, nowMs),
    conditionsCell(row.status),
  ];
}

/** The convergence line: how many entities differ between the ERP and Commerce, and since when. */
export function convergenceLine(c: Convergence | undefined): string {
  if (!c) return 'convergence: not checked yet';
  const head = `convergence: ${c.checked} entities, `;
  if (c.drifted.length === 0) return `${head}0 drifted`;
  const over =
    c.flowsOverBudget.length === 0 ? '' : `, over budget: ${c.flowsOverBudget.join(',')}`;
  const text = `${head}${c.drifted.length} drifted, oldest ${shortDuration(c.oldestDriftMs / 1000)}${over}`;
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
}

export function renderTable(input: {
  rows: readonly FlowRow[];
  convergence: Convergence | undefined;
  header: string;
  nowMs: number;
}): string[] {
  return [
    fit(input.header, maxWidth).trimEnd(),
    line(columns.map((c) => c.title)),
    ...input.rows.map((row) => line(rowCells(row, input.nowMs))),
    convergenceLine(input.convergence),
  ];
}
