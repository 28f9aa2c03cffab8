// The convergence check: the product's promise made measurable. For every entity a flow owns it
// compares the ERP's value with Commerce's and reports the drifted ones with how long each has
// drifted (since the ERP changed it), and whether that is longer than the owning flow's budget.
// A flow's budget holds from the end of its first run (its initial sync): the first full read of
// thousands of rows may outlast a compressed budget, and the demo reports it separately.
// Pure: both sides' values and the clock come in as parameters.

export type EntityValue = string | number | boolean | null;

/** What the ERP holds for one entity, and which flow must carry it to Commerce. */
export interface Expected {
  /** `stock:SKU|source`, `price:SKU|list`, `credit:C0001`, `hold:C0001`, `company:C0001`,
   * `weight:SKU`, `order:100000001`. */
  key: string;
  value: EntityValue;
  /** When the ERP last changed it (epoch ms). */
  changedAtMs: number;
  flow: string;
}

export interface Drift {
  key: string;
  flow: string;
  expected: EntityValue;
  actual: EntityValue | undefined;
  /** Since the ERP changed it. */
  ageMs: number;
  /** Since the later of that change and the end of the flow's initial sync; 0 before that end. */
  judgedAgeMs: number;
  overBudget: boolean;
}

export interface Convergence {
  checked: number;
  drifted: Drift[];
  oldestDriftMs: number;
  /** Flows with at least one entity drifted for longer than the flow's budget. */
  flowsOverBudget: string[];
}

function equal(expected: EntityValue, actual: EntityValue | undefined): boolean {
  if (typeof expected === 'number' && typeof actual === 'number')
    return Math.abs(expected - actual) < 1e-6;
  return expected === actual;
}

export function checkConvergence(input: {
  expected: Iterable<Expected>;
  actual: ReadonlyMap<string, EntityValue>;
  budgetMsOf: (flow: string) => number;
  /** When the flow's initial sync ended (epoch ms); undefined while it runs. */
  initialSyncEndMsOf: (flow: string) => number | undefined;
  nowMs: number;
}): Convergence {
  const drifted: Drift[] = [];
  let checked = 0;
  for (const e of input.expected) {
    checked += 1;
    const actual = input.actual.get(e.key);
    if (equal(e.value, actual)) continue;
    const ageMs = Math.max(0, input.nowMs - e.changedAtMs);
    const syncedAt = input.initialSyncEndMsOf(e.flow);
    const judgedAgeMs =
      syncedAt === undefined ? 0 : Math.max(0, input.nowMs - Math.max(e.changedAtMs, syncedAt));
    drifted.push({
      key: e.key,
      flow: e.flow,
      expected: e.value,
      actual,
      ageMs,
      judgedAgeMs,
      overBudget: judgedAgeMs > input.budgetMsOf(e.flow),
    });
  }
  drifted.sort((a, b) => b.ageMs - a.ageMs);
  return {
    checked,
    drifted,
    oldestDriftMs: drifted[0]?.ageMs ?? 0,
    flowsOverBudget: [...new Set(drifted.filter((d) => d.overBudget).map((d) => d.flow))].sort(),
  };
}

/** Per flow: the longest judged drift of the whole run, to judge "stayed within budget". */
export function worstDriftByFlow(
  previous: ReadonlyMap<string, number>,
  convergence: Convergence,
): Map<string, number> {
  const next = new Map(previous);
  for (const d of convergence.drifted)
    next.set(d.flow, Math.max(next.get(d.flow) ?? 0, d.judgedAgeMs));
  return next;
}
