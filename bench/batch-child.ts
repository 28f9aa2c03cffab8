// The full path of the batch benchmark (bench/batch.ts), in its own process so that its peak RSS
// is the runtime's: only runtime modules are loaded. Prints `{rows, applied, seconds, maxRssMb}`.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { CanonicalRecord } from '../runtime/flow/flow.ts';
import { Gate, stateKeysFor } from '../runtime/gate/gate.ts';
import { drain } from '../runtime/modes/run.ts';
import type { Sink } from '../runtime/sinks/sink.ts';
import { FileSource, mountedExport } from '../runtime/sources/file.ts';
import { RejectedRows } from '../runtime/state/rejected-rows.ts';
import { RedisRowOffset } from '../runtime/state/row-offset.ts';

const spec = {
  path: '/stock.csv',
  format: 'csv' as const,
  encoding: 'utf-8' as const,
  decimalSeparator: '.' as const,
  delimiter: ',',
  header: true,
  keyFields: ['sku'],
};

class CountingSink implements Sink<CanonicalRecord> {
  written = 0;
  write(items: readonly { key: string }[]): Promise<{ applied: string[]; failed: [] }> {
    this.written += items.length;
    return Promise.resolve({ applied: items.map((i) => i.key), failed: [] });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function child(dir: string, redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const id = `bench-${Date.now().toString(36)}`;
  const identity = { instanceId: id, namespace: 'bench', name: 'batch' };
  const keys = stateKeysFor(identity, { connection: 'commerce', entity: 'sourceItem' });
  const log = pino({ level: 'warn' });
  const sink = new CountingSink();
  const offsets = new RedisRowOffset(redis, `sf:${id}:bench/batch:batch`);
  const report = new RejectedRows(redis, `sf:${id}:bench/batch:rejected`, log);
  const flow = {
    flow: 'inventory' as const,
    options: {
      fields: {
        sku: { path: 'sku', type: 'string' as const },
        sourceCode: { path: 'warehouse', type: 'string' as const },
        quantity: { path: 'onHand', type: 'number' as const },
      },
      deletes: 'ignore' as const,
      defaults: {},
    },
  };
  const source = new FileSource({
    file: await mountedExport(dir, '/stock.csv'),
    rows: { spec, numericColumns: new Set(['onHand']) },
    chunkRows: 1000,
    resumeAfter: 0,
    sourceName: 'file:bench',
    onRejected: (rows) => report.add(rows),
  });
  source.asOfMs = Date.now();
  const controller = new AbortController();
  const started = performance.now();
  const totals = await drain(source, {
    flow,
    gate: new Gate(redis, {
      keys,
      leaseToken: keys.flow,
      leaseMs: 30_000,
      idTtlSeconds: 120,
      // As `runtime batch` sets them (modes/run.ts pipelineFor with a batchRun).
      eventIds: false,
      run: id,
      mode: 'normal',
      nowMs: Date.now,
    }),
    sink,
    deadLetter: report,
    checkpoint: offsets,
    log,
    nowMs: Date.now,
    signal: controller.signal,
    retry: { initialBackoffMs: 100, maxBackoffMs: 1000 },
    busyWaitMs: 100,
  });
  const seconds = (performance.now() - started) / 1000;
  await redis.del(keys.versions, keys.writers, keys.heartbeat, keys.leases);
  redis.disconnect();
  process.stdout.write(
    `${JSON.stringify({ rows: totals.records, applied: sink.written, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

await child(process.argv[2] ?? '', process.argv[3] ?? '');
