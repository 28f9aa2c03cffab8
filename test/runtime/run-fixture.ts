// Flow documents for `runtime poll` and `runtime batch` run as child processes: an ERP double
// (or an export file) as the source, the Commerce double as the sink, real Redis; plus readers
// of the run records the runtime leaves in Redis.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { secretDirFor } from '../../crds/flow-config.ts';
import { uniqueName } from '../support/unique-name.ts';
import { bearerToken, spawnRuntime } from './runtime-fixture.ts';
import { commerceConnection, writePodRoot } from './pod-root.ts';

export const erpToken = 'erp-token';

export interface RunFlowOptions {
  instanceId: string;
  name: string;
  redisUrl: string;
  commerceUrl: string;
  /** The source section and its connection. */
  source: Record<string, unknown>;
  connection: Record<string, unknown>;
  fields: Record<string, unknown>;
  mode: 'poll' | 'batch';
  guards?: Record<string, unknown>;
  batchSize?: number;
  /** A continuous poller (a Deployment): seconds between polls. */
  pollIntervalSeconds?: number;
  /** Batch: `spec.archive` in a kafka connection named `archive` on these brokers. */
  archive?: { kafkaBrokers: string[]; topic?: string; keepRuns?: number };
}

function archiveSpecOf(archive: RunFlowOptions['archive']): Record<string, unknown> {
  if (!archive) return {};
  const { topic, keepRuns = 30 } = archive;
  return {
    archive: { connection: 'archive', keepRuns, ...(topic === undefined ? {} : { topic }) },
  };
}

/** Where a batch pod finds its export (SYNCFLOW_BATCH_DIR), under the run's root. */
export const exportMountDir = '/mnt/exports';

/** The mapping of the stock exports the batch tests write: sku, warehouse, onHand. */
export const stockFields = {
  sku: { path: 'sku', type: 'string' },
  sourceCode: { path: 'warehouse', type: 'string' },
  quantity: { path: 'onHand', type: 'number' },
};

/**
 * A batch flow importing `/stock.csv` (CSV keyed by sku, `file` overrides) into the Commerce
 * double, its root written, and the folder mounted as the pod's export directory.
 */
export function stockFileFlow(
  sinks: Pick<RunFlowOptions, 'redisUrl' | 'commerceUrl'>,
  { file = {}, ...overrides }: Partial<RunFlowOptions> & { file?: Record<string, unknown> } = {},
): { options: RunFlowOptions; root: string; dir: string } {
  const options: RunFlowOptions = {
    instanceId: uniqueName('i'),
    name: uniqueName('batch'),
    ...sinks,
    source: { file: { path: '/stock.csv', format: 'csv', keyFields: ['sku'], ...file } },
    connection: { type: 'rest', url: 'http://127.0.0.1:9' },
    fields: stockFields,
    mode: 'batch',
    batchSize: 100,
    ...overrides,
  };
  const root = writeRunRoot(options);
  const dir = join(root, exportMountDir);
  mkdirSync(dir, { recursive: true });
  return { options, root, dir };
}

export function writeRunRoot(options: RunFlowOptions): string {
  const document = {
    configVersion: 1,
    instanceId: options.instanceId,
    flow: {
      namespace: 'shop',
      name: options.name,
      uid: `uid-${options.name}`,
      generation: 1,
      spec: {
        flow: 'inventory',
        entity: 'sourceItem',
        maxLag: options.mode === 'poll' ? '10m' : '24h',
        source: { connection: 'erp', ...options.source },
        mapping: { fields: options.fields },
        sink: { connection: 'commerce', commerce: { batchSize: options.batchSize ?? 20 } },
        state: { connection: 'redis' },
        initialSync: { from: 'beginning' },
        ...(options.guards ? { guards: options.guards } : {}),
        ...archiveSpecOf(options.archive),
      },
    },
    plan: {
      pattern: options.mode,
      mode: options.mode,
      schedule: '*/5 * * * *',
      maxLagSeconds: options.mode === 'poll' ? 600 : 86_400,
      ...(options.pollIntervalSeconds === undefined
        ? {}
        : { pollIntervalSeconds: options.pollIntervalSeconds }),
    },
    connections: {
      erp: {
        spec: {
          ...options.connection,
          auth: { bearer: { secretRef: { name: 'erp-token' } } },
        },
        secretDir: secretDirFor('erp'),
      },
      redis: { spec: { type: 'redis', url: options.redisUrl } },
      ...(options.archive
        ? { archive: { spec: { type: 'kafka', brokers: options.archive.kafkaBrokers } } }
        : {}),
      commerce: commerceConnection(options.commerceUrl),
    },
  };
  return writePodRoot(`sf-${options.mode}-${options.name}`, document, {
    commerce: bearerToken,
    erp: erpToken,
  });
}

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the mode to its end (a CronJob tick). */
export async function runOnce(
  root: string,
  mode: 'poll' | 'batch',
  env: Record<string, string> = {},
): Promise<RunOutcome> {
  const runtime = spawnRuntime(root, env, mode);
  const { code, signal } = await runtime.exited;
  return { code, signal, output: runtime.output.join('') };
}

export interface StoredRun {
  runId: string;
  result: string;
  records: number;
  applied: number;
  skipped: number;
  failed: number;
  deadLettered: number;
  message?: string;
  rejectedKey?: string;
  startedAtMs: number;
  asOfMs?: number;
  rowOffset?: number;
  approval?: string;
  /** Batch: where the export is archived, `{topic}/{partition}/{first}-{last}`. */
  archive?: string;
}

export function flowPrefix(options: RunFlowOptions): string {
  return `sf:${options.instanceId}:shop/${options.name}`;
}

export async function lastRun(redis: Redis, options: RunFlowOptions): Promise<StoredRun> {
  const raw = await redis.lindex(`${flowPrefix(options)}:runs`, 0);
  if (raw === null) throw new Error('no run record');
  return JSON.parse(raw) as StoredRun;
}
