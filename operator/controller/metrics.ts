// Prometheus metrics under controller-runtime's names (pkg/internal/controller/metrics,
// pkg/internal/metrics/workqueue, pkg/metrics/leaderelection) so existing dashboards work.
// Labels are per controller, never per object. One set per registry (tests run several).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueMetrics } from './queue.ts';

const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const queueBuckets = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
export const reconcileResults = ['success', 'error', 'requeue', 'requeue_after'] as const;
export type ReconcileOutcome = (typeof reconcileResults)[number];

type C = 'controller';
type Q = 'name' | 'controller';

function controllerSeries(registry: Registry) {
  const registers = [registry];
  const labelNames = ['controller'] as const;
  return {
    reconcileTotal: new Counter<C | 'result'>({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter<C>({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames,
      registers,
    }),
    terminalErrors: new Counter<C>({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames,
      registers,
    }),
    reconcileTime: new Histogram<C>({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames,
      buckets: reconcileBuckets,
      registers,
    }),
    activeWorkers: new Gauge<C>({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames,
      registers,
    }),
    maxConcurrentReconciles: new Gauge<C>({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames,
      registers,
    }),
    leaderStatus: new Gauge<'name'>({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers,
    }),
  };
}

function queueSeries(registry: Registry, longestRunning: Map<string, () => number>) {
  const registers = [registry];
  const labelNames = ['name', 'controller'] as const;
  const histogram = (name: string, help: string): Histogram<Q> =>
    new Histogram<Q>({ name, help, labelNames, buckets: queueBuckets, registers });
  new Gauge<Q>({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames,
    registers,
    collect() {
      for (const [name, read] of longestRunning)
        this.set({ name, controller: name }, read() / 1000);
    },
  });
  return {
    depth: new Gauge<Q>({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames,
      registers,
    }),
    adds: new Counter<Q>({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames,
      registers,
    }),
    latency: histogram(
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
    ),
    work: histogram(
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes',
    ),
    retries: new Counter<Q>({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames,
      registers,
    }),
  };
}

export class OperatorMetrics {
  readonly registry: Registry;
  readonly controller: ReturnType<typeof controllerSeries>;
  private readonly queue: ReturnType<typeof queueSeries>;
  private readonly longestRunning = new Map<string, () => number>();

  constructor(registry: Registry) {
    this.registry = registry;
    this.controller = controllerSeries(registry);
    this.queue = queueSeries(registry, this.longestRunning);
  }

  /** Zeroes a controller's series so rate() works from the first scrape (as controller-runtime). */
  initController(controller: string, maxConcurrent: number): void {
    const series = this.controller;
    for (const result of reconcileResults) series.reconcileTotal.inc({ controller, result }, 0);
    series.reconcileErrors.inc({ controller }, 0);
    series.terminalErrors.inc({ controller }, 0);
    series.activeWorkers.set({ controller }, 0);
    series.maxConcurrentReconciles.set({ controller }, maxConcurrent);
  }

  queueMetricsFor(controller: string, longestRunningMs: () => number): QueueMetrics {
    const labels = { name: controller, controller };
    const queue = this.queue;
    this.longestRunning.set(controller, longestRunningMs);
    queue.depth.set(labels, 0);
    queue.adds.inc(labels, 0);
    queue.retries.inc(labels, 0);
    return {
      depth: (n) => queue.depth.set(labels, n),
      added: () => queue.adds.inc(labels),
      queued: (ms) => queue.latency.observe(labels, ms / 1000),
      worked: (ms) => queue.work.observe(labels, ms / 1000),
      retried: () => queue.retries.inc(labels),
    };
  }
}
