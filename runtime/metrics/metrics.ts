// Entry of runtime/metrics/: the runtime's Prometheus metrics and the HTTP port that serves
// them (`/metrics`, plus `/healthz` for the kubelet).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchOutcome } from '../pipeline/pipeline.ts';

export interface RuntimeMetrics {
  registry: Registry;
  observe(outcome: BatchOutcome, partition: string): void;
}

export function runtimeMetricsFor(labels: { flow: string; mode: string }): RuntimeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  const counter = (name: string, help: string): Counter =>
    new Counter({ name: `syncflow_runtime_${name}_total`, help, registers: [registry] });
  const recordsIn = counter('records_in', 'Messages read from the source.');
  const applied = counter('applied', 'Records the sink acknowledged.');
  const skippedDuplicate = counter(
    'skipped_duplicate',
    'Records dropped as already applied (event id or equal version).',
  );
  const skippedStale = counter(
    'skipped_stale',
    'Records dropped as older than the last applied version.',
  );
  const deadLettered = counter('dead_lettered', 'Records sent to the dead-letter topic.');
  const batchSeconds = new Histogram({
    name: 'syncflow_runtime_batch_duration_seconds',
    help: 'From receiving a batch to the sink acknowledging its writes.',
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const secondsBehind = new Gauge({
    name: 'syncflow_runtime_seconds_behind',
    help: 'Age of the last processed message when its batch was written.',
    labelNames: ['partition'],
    registers: [registry],
  });
  return {
    registry,
    observe(outcome, partition) {
      recordsIn.inc(outcome.recordsIn);
      applied.inc(outcome.applied);
      skippedDuplicate.inc(outcome.skippedDuplicate);
      skippedStale.inc(outcome.skippedStale);
      deadLettered.inc(outcome.deadLettered);
      batchSeconds.observe(outcome.toWriteMs / 1000);
      secondsBehind.set({ partition }, outcome.secondsBehind);
    },
  };
}

/** Serves `/metrics` and `/healthz`; port 0 picks a free one. */
export async function serveMetrics(
  registry: Registry,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    res.writeHead(req.url === '/healthz' ? 200 : 404).end(req.url === '/healthz' ? 'ok' : '');
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
