// The runtime's configuration: a zod schema of its environment, and the flow document the
// operator renders (crds/flow-config.ts), validated once at start and frozen. Failures come
// back as one text listing every problem, for main.ts to print before exiting 1.
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { parseFlowConfig, type FlowConfig } from '../crds/flow-config.ts';

export const runtimeEnvSchema = z.object({
  /** Path of the flow document (ConfigMap key flow.json). Default: /etc/syncflow/flow.json. */
  SYNCFLOW_CONFIG: z.string().min(1).default('/etc/syncflow/flow.json'),
  /** Prefix for absolute file paths (config, secrets, CA); the local test node runs pods as processes this way. Default: none. */
  SYNCFLOW_ROOT: z.string().min(1).optional(),
  /** Port of /metrics and /healthz; 0 picks a free one. Default: 9464. */
  SYNCFLOW_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** pino level. Default: info. */
  SYNCFLOW_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** How long an applied event id is remembered by the gate, in seconds. Default: 604800 (7 days). */
  SYNCFLOW_GATE_ID_TTL_SECONDS: z.coerce.number().int().min(60).default(604_800),
  /** How long a key stays leased by a writer that died between check and record, in ms. Default: 30000. */
  SYNCFLOW_GATE_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Partitions processed in parallel by one consumer. Default: 3. */
  SYNCFLOW_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(3),
  /** Kafka group session timeout: how long a dead consumer holds its partitions, in ms. Default: a third of the flow's maxLag, between 10000 and 30000. */
  SYNCFLOW_KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).optional(),
  /** Gate mode: reapply writes again at equal versions (replays after a Commerce restore). Default: normal. */
  SYNCFLOW_GATE_MODE: z.enum(['normal', 'reapply']).default('normal'),
  /** Poll and batch: approval token (the flow's syncflow.io/approve annotation value); releases one run stopped by a guard, once. Default: none. */
  SYNCFLOW_APPROVED_RUN: z.string().min(1).max(256).optional(),
  /** Batch: directory where the export is mounted; source.file.path is read below it instead of over HTTP. Default: none (HTTP). */
  SYNCFLOW_BATCH_DIR: z.string().min(1).optional(),
  /** Replay: `{replay name}.{spec hash}`, naming its progress hash and consumer group. Default: none. */
  SYNCFLOW_REPLAY_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,252}$/)
    .optional(),
  /** Replay: RFC 3339 time to replay from. Default: none. */
  SYNCFLOW_REPLAY_FROM: z.iso.datetime({ offset: true }).optional(),
  /** Replay: log re-reads the source, deadLetter redrives the dead-letter topic. Default: log. */
  SYNCFLOW_REPLAY_SOURCE: z.enum(['log', 'deadLetter']).default('log'),
  /** Test only: probability of SIGKILLing itself between the sink's write and the gate's record. Default: 0. */
  SYNCFLOW_FAULT_AFTER_SINK: z.coerce.number().min(0).max(1).default(0),
});
export type RuntimeEnv = z.infer<typeof runtimeEnvSchema>;

export interface RuntimeConfig {
  env: RuntimeEnv;
  flow: FlowConfig;
  /** Resolves an absolute path of the pod under SYNCFLOW_ROOT. */
  pathOf(path: string): string;
}

export type ConfigResult =
  { ok: true; config: Readonly<RuntimeConfig> } | { ok: false; error: string };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A consumer killed without leaving its group holds its partitions until the session times out:
 * with Kafka's 30 s, one crash would use up a 30 s budget. A third of the budget leaves the
 * rest for the restart and the catch-up; never below Kafka's former default of 10 s, as a busy
 * machine delays heartbeats and a shorter session would rebalance the group again and again.
 */
export function sessionTimeoutMsFor(maxLagSeconds: number): number {
  return Math.min(30_000, Math.max(10_000, Math.round((maxLagSeconds * 1000) / 3)));
}

export function pathUnder(root: string | undefined, path: string): string {
  return root !== undefined && isAbsolute(path) ? join(root, path) : path;
}

export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
): ConfigResult {
  const parsedEnv = runtimeEnvSchema.safeParse(env);
  if (!parsedEnv.success)
    return { ok: false, error: `invalid environment:\n${z.prettifyError(parsedEnv.error)}` };
  const root = parsedEnv.data.SYNCFLOW_ROOT;
  const configPath = pathUnder(root, parsedEnv.data.SYNCFLOW_CONFIG);
  let json: unknown;
  try {
    json = JSON.parse(readFile(configPath));
  } catch (err) {
    return {
      ok: false,
      error: `read flow config ${configPath}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const flow = parseFlowConfig(json);
  if (!flow.ok) return { ok: false, error: `invalid flow config ${configPath}:\n${flow.error}` };
  return {
    ok: true,
    config: deepFreeze({
      env: parsedEnv.data,
      flow: flow.config,
      pathOf: (path: string) => pathUnder(root, path),
    }),
  };
}
