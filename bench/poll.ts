// Benchmark of `runtime poll` (report-only; `npm run bench -- poll`): records/s over 100,000
// changed rows read from the OData v4 and SuiteQL doubles through the full path (seek paging →
// map → gate (real Redis) → sink double in-process → cursor), and the requests made against the
// minimum the page size allows (⌈rows / pageSize⌉). The doubles filter and sort in memory, so
// their time is inside the figure. Writes bench-results/poll.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { CanonicalRecord } from '../runtime/flow/flow.ts';
import { Gate, stateKeysFor } from '../runtime/gate/gate.ts';
import { drain } from '../runtime/modes/run.ts';
import type { PipelineDeps } from '../runtime/pipeline/pipeline.ts';
import type { Sink } from '../runtime/sinks/sink.ts';
import { DeltaSource } from '../runtime/sources/delta-source.ts';
import type { DeltaReader } from '../runtime/sources/delta.ts';
import { ErpClient } from '../runtime/sources/erp-client.ts';
import { ODataReader } from '../runtime/sources/odata.ts';
import { SuiteqlReader } from '../runtime/sources/suiteql.ts';
import { RedisCursor } from '../runtime/state/cursor.ts';
import { RejectedRows } from '../runtime/state/rejected-rows.ts';
import { startErpDouble, type ErpDialect, type ErpDouble } from '../test/doubles/erp/erp-double.ts';
import { runningEnvFile } from '../test/env/env-file.ts';
import { startEnvironment } from '../test/env/start-environment.ts';

interface Result {
  metric: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean | null;
}

const rows = Number(process.env['BENCH_ROWS'] ?? 100_000);
const pageSize = 1000;

class CountingSink implements Sink<CanonicalRecord> {
  write(items: readonly { key: string }[]): Promise<{ applied: string[]; failed: [] }> {
    return Promise.resolve({ applied: items.map((i) => i.key), failed: [] });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const cases: { dialect: ErpDialect; quantity: string }[] = [
  { dialect: 'odata-v4', quantity: 'Quantity' },
  { dialect: 'suiteql', quantity: 'quantityonhand' },
];

function readerFor(dialect: ErpDialect, client: ErpClient): DeltaReader {
  if (dialect === 'suiteql')
    return new SuiteqlReader(client, {
      recordType: 'inventorybalance',
      keyField: 'id',
      modifiedField: 'lastmodifieddate',
      pageSize,
      overlap: '2m',
    });
  return new ODataReader(
    client,
    { entitySet: 'stock', keyFields: ['id'], modifiedField: 'modified', pageSize, overlap: '2m' },
    4,
  );
}

async function seededErp(c: (typeof cases)[number]): Promise<ErpDouble> {
  const erp = await startErpDouble({
    dialect: c.dialect,
    bearerToken: 't',
    entity: {
      name: c.dialect === 'suiteql' ? 'inventorybalance' : 'stock',
      keyField: 'id',
      modifiedField: c.dialect === 'suiteql' ? 'lastmodifieddate' : 'modified',
      properties: ['sku', c.quantity],
      numericKey: true,
    },
  });
  const base = Date.now() - 3_600_000;
  // 100 rows share each second: every page boundary falls inside a tie.
  for (let i = 0; i < rows; i++)
    erp.store.put(
      String(i + 1),
      { sku: `SKU-${i}`, [c.quantity]: i % 500 },
      base + Math.floor(i / 100) * 1000,
    );
  return erp;
}

function pipelineOf(redis: Redis, id: string, quantity: string): PipelineDeps {
  const keys = stateKeysFor(
    { instanceId: id, namespace: 'bench', name: 'poll' },
    { connection: 'c', entity: 'sourceItem' },
  );
  const log = pino({ level: 'warn' });
  return {
    flow: {
      flow: 'inventory',
      options: {
        fields: {
          sku: { path: 'sku', type: 'string' },
          sourceCode: { value: 'wh1', type: 'string' },
          quantity: { path: quantity, type: 'number' },
        },
        deletes: 'ignore',
        defaults: {},
      },
    },
    gate: new Gate(redis, {
      keys,
      leaseToken: keys.flow,
      leaseMs: 30_000,
      idTtlSeconds: 120,
      mode: 'normal',
      nowMs: Date.now,
    }),
    sink: new CountingSink(),
    deadLetter: new RejectedRows(redis, `sf:${id}:rejected`, log),
    checkpoint: new RedisCursor(redis, `sf:${id}:cursor`, Date.now),
    log,
    nowMs: Date.now,
    signal: new AbortController().signal,
    retry: { initialBackoffMs: 100, maxBackoffMs: 1000 },
    busyWaitMs: 100,
  };
}

async function measure(redisUrl: string, c: (typeof cases)[number]): Promise<Result[]> {
  const erp = await seededErp(c);
  const redis = new Redis(redisUrl);
  const id = `bench-${Date.now().toString(36)}`;
  const client = new ErpClient({
    url: erp.url,
    authorization: 'Bearer t',
    queryParameters: {},
    requestTimeoutMs: 60_000,
    maxInFlight: 2,
  });
  const source = new DeltaSource({
    reader: readerFor(c.dialect, client),
    start: { sinceMs: 0 },
    pageSize,
  });
  const started = performance.now();
  const totals = await drain(source, pipelineOf(redis, id, c.quantity));
  const seconds = (performance.now() - started) / 1000;
  const stateKeys = await redis.keys(`sf:${id}:*`);
  if (stateKeys.length > 0) await redis.del(...stateKeys);
  redis.disconnect();
  await client.close();
  await erp.close();
  const minimum = Math.ceil(rows / pageSize);
  return [
    {
      metric: `${c.dialect}: records/s over ${totals.applied} changed rows`,
      value: Math.round(totals.records / seconds),
      unit: 'records/s',
      target: 'reference',
      pass: null,
    },
    {
      metric: `${c.dialect}: requests / minimum (${minimum})`,
      value: Number((erp.pages.length / minimum).toFixed(3)),
      unit: 'ratio',
      target: '<= 1.01',
      pass: erp.pages.length <= minimum * 1.01 && totals.applied === rows,
    },
  ];
}

async function main(): Promise<void> {
  const shared = runningEnvFile();
  const env = shared ?? (await startEnvironment({ redis: true }));
  const results: Result[] = [];
  try {
    for (const c of cases) results.push(...(await measure(env.redisUrl ?? '', c)));
  } finally {
    if (!shared) await (env as Awaited<ReturnType<typeof startEnvironment>>).stop();
  }
  console.table(results);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'poll.json'), JSON.stringify(results, null, 2));
}

await main();
