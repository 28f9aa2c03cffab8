// Per-flow Prometheus series, the names the chart's PrometheusRule and Grafana dashboard use:
// lag, budget, messages behind, one gauge per condition status, runs by result (each run record
// counted once, by its id), failed runs in a row, and records applied and dead-lettered (from the
// runtime's cumulative figures, counted by their increase). CronJob pods exit before a scrape,
// so the operator exports their outcomes. Labels name the flow; a deleted flow's series go.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Condition } from '../../crds/conditions.ts';
import type { Heartbeat, LagStatusResult, RunRecord } from '../lag/lag-status.ts';

type FlowLabel = 'namespace' | 'name' | 'flow';
export interface FlowLabels {
  namespace: string;
  name: string;
  flow: string;
}

const statuses = ['True', 'False', 'Unknown'] as const;
const runResultLabels = ['succeeded', 'failed', 'schemaDrift', 'guardTripped'] as const;

interface FlowMemory {
  labels: FlowLabels;
  runIds: Set<string>;
  applied?: number;
  deadLettered?: number;
  conditionTypes: Set<string>;
}

export interface FlowObservation {
  labels: FlowLabels;
  budgetSeconds: number;
  result: LagStatusResult;
  heartbeat?: Heartbeat | undefined;
  runs?: readonly RunRecord[] | undefined;
}

/** How much a cumulative figure grew; a smaller value means the state was reset. */
const increaseOf = (previous: number | undefined, current: number): number =>
  previous === undefined || current < previous ? current : current - previous;

export class FlowMetrics {
  readonly #memory = new Map<string, FlowMemory>();
  readonly #lagSeconds: Gauge<FlowLabel>;
  readonly #budgetSeconds: Gauge<FlowLabel>;
  readonly #lagMessages: Gauge<FlowLabel>;
  readonly #condition: Gauge<FlowLabel | 'type' | 'status'>;
  readonly #runs: Counter<FlowLabel | 'result'>;
  readonly #failedInARow: Gauge<FlowLabel>;
  readonly #applied: Counter<FlowLabel>;
  readonly #deadLettered: Counter<FlowLabel>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['namespace', 'name', 'flow'] as const;
    const gauge = (name: string, help: string): Gauge<FlowLabel> =>
      new Gauge({ name, help, labelNames, registers });
    this.#lagSeconds = gauge(
      'syncflow_lag_seconds',
      'How far behind the flow is (status.lag.seconds)',
    );
    this.#budgetSeconds = gauge(
      'syncflow_lag_budget_seconds',
      "The flow's budget, spec.maxLag in seconds",
    );
    this.#lagMessages = gauge(
      'syncflow_lag_messages',
      'Event flows: Kafka messages not yet applied',
    );
    this.#failedInARow = gauge(
      'syncflow_consecutive_failed_runs',
      'Runs failed in a row since the last success',
    );
    this.#condition = new Gauge({
      name: 'syncflow_flow_condition',
      help: '1 for the current status of each condition type of the flow, 0 for the other statuses',
      labelNames: [...labelNames, 'type', 'status'],
      registers,
    });
    this.#runs = new Counter({
      name: 'syncflow_runs_total',
      help: 'Poll and batch runs by result, each run record counted once',
      labelNames: [...labelNames, 'result'],
      registers,
    });
    this.#applied = new Counter({
      name: 'syncflow_records_applied_total',
      help: 'Records written to the sink',
      labelNames,
      registers,
    });
    this.#deadLettered = new Counter({
      name: 'syncflow_records_dead_lettered_total',
      help: 'Records sent to the dead-letter topic',
      labelNames,
      registers,
    });
  }

  observe(o: FlowObservation): void {
    const memory = this.#memoryOf(o.labels);
    const { labels } = o;
    this.#budgetSeconds.set(labels, o.budgetSeconds);
    const lag = o.result.lag;
    if (lag?.seconds !== undefined) this.#lagSeconds.set(labels, lag.seconds);
    if (lag?.messages !== undefined) this.#lagMessages.set(labels, lag.messages);
    this.#setConditions(memory, o.result.conditions);
    const failed = o.result.run?.consecutiveFailedRuns;
    if (failed !== undefined) this.#failedInARow.set(labels, failed);
    if (o.runs) this.#countRuns(memory, o.runs);
    if (o.heartbeat) this.#countRecords(memory, o.heartbeat);
  }

  /** Removes every series of a flow that is gone. */
  forget(namespace: string, name: string): void {
    const memory = this.#memory.get(`${namespace}/${name}`);
    if (!memory) return;
    this.#memory.delete(`${namespace}/${name}`);
    const { labels } = memory;
    for (const g of [this.#lagSeconds, this.#budgetSeconds, this.#lagMessages, this.#failedInARow])
      g.remove(labels);
    for (const c of [this.#applied, this.#deadLettered]) c.remove(labels);
    for (const result of runResultLabels) this.#runs.remove({ ...labels, result });
    for (const type of memory.conditionTypes)
      for (const status of statuses) this.#condition.remove({ ...labels, type, status });
  }

  #memoryOf(labels: FlowLabels): FlowMemory {
    const key = `${labels.namespace}/${labels.name}`;
    let memory = this.#memory.get(key);
    if (memory && memory.labels.flow !== labels.flow) {
      this.forget(labels.namespace, labels.name);
      memory = undefined;
    }
    if (!memory) {
      memory = { labels, runIds: new Set(), conditionTypes: new Set() };
      this.#memory.set(key, memory);
      // Series start at 0, so the first failure already shows in increase().
      for (const result of runResultLabels) this.#runs.inc({ ...labels, result }, 0);
      this.#applied.inc(labels, 0);
      this.#deadLettered.inc(labels, 0);
    }
    return memory;
  }

  #setConditions(memory: FlowMemory, conditions: readonly Condition[]): void {
    for (const c of conditions) {
      memory.conditionTypes.add(c.type);
      for (const status of statuses)
        this.#condition.set(
          { ...memory.labels, type: c.type, status },
          c.status === status ? 1 : 0,
        );
    }
  }

  #countRuns(memory: FlowMemory, runs: readonly RunRecord[]): void {
    for (const run of runs) {
      if (memory.runIds.has(run.runId)) continue;
      this.#runs.inc({ ...memory.labels, result: run.result });
    }
    // Only ids still in the runtime's capped list can come back.
    memory.runIds = new Set(runs.map((r) => r.runId));
  }

  #countRecords(memory: FlowMemory, heartbeat: Heartbeat): void {
    if (heartbeat.applied !== undefined) {
      this.#applied.inc(memory.labels, increaseOf(memory.applied, heartbeat.applied));
      memory.applied = heartbeat.applied;
    }
    if (heartbeat.deadLettered !== undefined) {
      this.#deadLettered.inc(
        memory.labels,
        increaseOf(memory.deadLettered, heartbeat.deadLettered),
      );
      memory.deadLettered = heartbeat.deadLettered;
    }
  }
}
