// Benchmark of `runtime batch` (report-only; `npm run bench -- batch`): rows/s of a 1,000,000-row
// inventory CSV through parse → validate → map → gate (real Redis) → sink (an in-process double)
// → row-offset checkpoint, against the raw speed of the same parser (csv-parse, same options)
// on the same file in the same run; and the peak RSS of the full path for 1M and 5M rows, each
// in its own process. Writes bench-results/batch.json.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { CanonicalRecord } from '../runtime/flow/flow.ts';
import { Gate, stateKeysFor } from '../runtime/gate/gate.ts';
import { drain } from '../runtime/modes/run.ts';
import type { Sink } from '../runtime/sinks/sink.ts';
import { FileSource, mountedExport } from '../runtime/sources/file.ts';
import { RejectedRows } from '../runtime/state/rejected-rows.ts';
import { RedisRowOffset } from '../runtime/state/row-offset.ts';
import { runningEnvFile } from '../test/env/env-file.ts';
import { startEnvironment } from '../test/env/start-environment.ts';

interface Result {
  metric: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean | null;
}

const spec = {
  path: '/stock.csv',
  format: 'csv' as const,
  encoding: 'utf-8' as const,
  decimalSeparator: '.' as const,
  delimiter: ',',
  header: true,
  keyFields: ['sku'],
};

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('sku,warehouse,onHand\n');
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let k = i; k < Math.min(rows, i + 10_000); k++) chunk += `SKU-${k},wh1,${k % 1000}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function rawParse(path: string): Promise<number> {
  const started = performance.now();
  let rows = 0;
  const parser = createReadStream(path, { highWaterMark: 256 * 1024 })
    .setEncoding('utf8')
    .pipe(
      parse({
        delimiter: ',',
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
      }),
    );
  for await (const record of parser) if (record) rows += 1;
  return (rows - 1) / ((performance.now() - started) / 1000);
}

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

/** The full path in this process: prints `{rows, seconds, maxRssMb}`. */
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

async function runChild(
  dir: string,
  redisUrl: string,
): Promise<{ rows: number; seconds: number; maxRssMb: number }> {
  const proc = spawn(process.execPath, [import.meta.filename, 'child', dir, redisUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  await once(proc, 'exit');
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    rows: number;
    seconds: number;
    maxRssMb: number;
  };
}

type Measured = { rows: number; seconds: number; maxRssMb: number };

function resultsOf(raw: number, full: Measured, large: Measured): Result[] {
  const fullRate = full.rows / full.seconds;
  const ratio = fullRate / raw;
  return [
    {
      metric: 'raw csv-parse, 1M rows',
      value: Math.round(raw),
      unit: 'rows/s',
      target: 'reference',
      pass: null,
    },
    {
      metric: 'full path (parse→map→gate→sink double→checkpoint), 1M rows',
      value: Math.round(fullRate),
      unit: 'rows/s',
      target: 'reference',
      pass: null,
    },
    {
      metric: 'full path / raw parse',
      value: Number(ratio.toFixed(3)),
      unit: 'ratio',
      target: '>= 0.25',
      pass: ratio >= 0.25,
    },
    {
      metric: 'peak RSS, 1M rows',
      value: Math.round(full.maxRssMb),
      unit: 'MB',
      target: '< 200',
      pass: full.maxRssMb < 200,
    },
    {
      metric: `peak RSS, ${large.rows} rows`,
      value: Math.round(large.maxRssMb),
      unit: 'MB',
      target: '< 200, not growing',
      pass: large.maxRssMb < 200 && large.maxRssMb < full.maxRssMb * 1.25,
    },
    {
      metric: `full path, ${large.rows} rows`,
      value: Math.round(large.rows / large.seconds),
      unit: 'rows/s',
      target: 'reference',
      pass: null,
    },
  ];
}

async function measure(base: string, redisUrl: string): Promise<Result[]> {
  const small = join(base, 'small');
  const big = join(base, 'big');
  mkdirSync(small, { recursive: true });
  mkdirSync(big, { recursive: true });
  await writeCsv(join(small, 'stock.csv'), 1_000_000);
  await writeCsv(join(big, 'stock.csv'), Number(process.env['BENCH_LARGE_ROWS'] ?? 5_000_000));
  const raw = await rawParse(join(small, 'stock.csv'));
  const full = await runChild(small, redisUrl);
  const large = await runChild(big, redisUrl);
  return resultsOf(raw, full, large);
}

async function main(): Promise<void> {
  const shared = runningEnvFile();
  const env = shared ?? (await startEnvironment({ redis: true }));
  const base = mkdtempSync(join(tmpdir(), 'sf-bench-batch-'));
  let results: Result[];
  try {
    results = await measure(base, env.redisUrl ?? '');
  } finally {
    rmSync(base, { recursive: true, force: true });
    if (!shared) await (env as Awaited<ReturnType<typeof startEnvironment>>).stop();
  }
  console.table(results);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'batch.json'), JSON.stringify(results, null, 2));
}

if (process.argv[2] === 'child') await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
