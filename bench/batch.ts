// Benchmark of `runtime batch` (report-only; `npm run bench -- batch`): rows/s of a 1,000,000-row
// inventory CSV through parse → validate → map → gate (real Redis) → sink (an in-process double)
// → row-offset checkpoint, against the raw speed of the same parser (csv-parse, same options)
// on the same file in the same run; and the peak RSS of the full path for 1M and 5M rows, each
// in its own process (batch-child.ts). Writes bench-results/batch.json.
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
import { batchNodeFlags } from '../operator/plan/parts/container.ts';
import { runningEnvFile } from '../test/env/env-file.ts';
import { startEnvironment } from '../test/env/start-environment.ts';

interface Result {
  metric: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean | null;
}

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

async function runChild(
  dir: string,
  redisUrl: string,
): Promise<{ rows: number; seconds: number; maxRssMb: number }> {
  // The full path runs as `runtime batch` does: the same Node flags the operator gives its
  // container, and only the runtime's modules loaded.
  const proc = spawn(
    process.execPath,
    [...batchNodeFlags, join(import.meta.dirname, 'batch-child.ts'), dir, redisUrl],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
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

await main();
