// The operator's configuration: every setting has a flag and an environment variable (the flag
// wins), is validated once by zod, and is frozen. `--help` is generated from the same table.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');
const positiveMs = z.coerce.number().int().positive();

/** Each setting: its flag, its environment variable, its schema (with the default), its help. */
const settings = {
  namespace: {
    flag: 'namespace',
    env: 'SYNCFLOW_NAMESPACE',
    schema: z.string().default(''),
    help: 'Only watch and reconcile SyncFlows in this namespace. Default: all namespaces.',
  },
  instanceId: {
    flag: 'instance-id',
    env: 'SYNCFLOW_INSTANCE_ID',
    schema: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, 'a DNS label of at most 32 characters')
      .default('default'),
    help: 'Name of this installation; prefixes Redis keys and consumer groups so two installations sharing Redis or Kafka never collide. Default: default.',
  },
  image: {
    flag: 'image',
    env: 'SYNCFLOW_IMAGE',
    schema: z.string().min(1).default('syncflow:dev'),
    help: "Container image of the flows' pods (the operator's own image). Default: syncflow:dev.",
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'SYNCFLOW_METRICS_PORT',
    schema: port.default(8080),
    help: 'Port of /metrics (Prometheus). 0 picks a free port. Default: 8080.',
  },
  probePort: {
    flag: 'probe-port',
    env: 'SYNCFLOW_PROBE_PORT',
    schema: port.default(8081),
    help: 'Port of /healthz (liveness) and /readyz (readiness: caches synced). Default: 8081.',
  },
  leaderElection: {
    flag: 'leader-elect',
    env: 'SYNCFLOW_LEADER_ELECT',
    schema: boolean.default(true),
    help: 'true|false. Elect one active replica through a Lease; the others wait. Turn off only for a single replica. Default: true.',
  },
  leaseNamespace: {
    flag: 'lease-namespace',
    env: 'SYNCFLOW_LEASE_NAMESPACE',
    schema: z.string().default(''),
    help: 'Namespace of the leader-election Lease. Default: POD_NAMESPACE, else --namespace, else default.',
  },
  leaseName: {
    flag: 'lease-name',
    env: 'SYNCFLOW_LEASE_NAME',
    schema: z.string().min(1).default('syncflow-operator'),
    help: 'Name of the leader-election Lease. Default: syncflow-operator.',
  },
  maxConcurrentReconciles: {
    flag: 'max-concurrent-reconciles',
    env: 'SYNCFLOW_MAX_CONCURRENT_RECONCILES',
    schema: z.coerce.number().int().min(1).max(64).default(8),
    help: 'SyncFlows reconciled in parallel (one flow is never reconciled twice at once). A reconcile mostly waits for the apiserver, so a burst of new flows needs several. Default: 8.',
  },
  shutdownGracePeriodMs: {
    flag: 'shutdown-grace-period-ms',
    env: 'SYNCFLOW_SHUTDOWN_GRACE_PERIOD_MS',
    schema: positiveMs.default(25_000),
    help: "How long in-flight reconciles may finish on SIGTERM; keep it under the pod's terminationGracePeriodSeconds. Default: 25000.",
  },
  requestTimeoutMs: {
    flag: 'request-timeout-ms',
    env: 'SYNCFLOW_REQUEST_TIMEOUT_MS',
    schema: positiveMs.default(30_000),
    help: 'Deadline of one Kubernetes API request (watches excepted). Default: 30000.',
  },
  lagRefreshMs: {
    flag: 'lag-refresh-ms',
    env: 'SYNCFLOW_LAG_REFRESH_MS',
    schema: z.coerce.number().int().min(1_000).default(10_000),
    help: "How often each flow's lag and last run are read from its Redis and Kafka. Status numbers are written at most every 30 s whatever this is; condition changes at once. Default: 10000.",
  },
  lagConcurrency: {
    flag: 'lag-concurrency',
    env: 'SYNCFLOW_LAG_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(64).default(4),
    help: 'Flows whose lag is read at once, apart from the reconcile workers (a read waits up to 5 s for an unreachable Redis or Kafka). Default: 4.',
  },
  logLevel: {
    flag: 'log-level',
    env: 'SYNCFLOW_LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    help: 'trace|debug|info|warn|error|fatal. Default: info.',
  },
} as const;

type Settings = typeof settings;
export type Config = { readonly [K in keyof Settings]: z.output<Settings[K]['schema']> };

const schema = z.object(
  Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])) as {
    [K in keyof Settings]: Settings[K]['schema'];
  },
);

/** Options for node:util parseArgs: one string option per setting, plus --help. */
export function flagOptions(): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const s of Object.values(settings)) options[s.flag] = { type: 'string' };
  return options;
}

export function helpText(): string {
  const lines = [
    'Usage: node operator/main.ts [flags]',
    '',
    'Flags (each also read from its environment variable; the flag wins):',
    '',
  ];
  for (const s of Object.values(settings))
    lines.push(`  --${s.flag} <value>   (${s.env})`, `      ${s.help}`);
  lines.push('  -h, --help', '      Print this help.', '');
  return lines.join('\n');
}

/**
 * Validates flags and environment into a frozen Config; throws z.ZodError listing every issue.
 * `env` also supplies POD_NAMESPACE (downward API) for the lease namespace default.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, string | boolean | undefined>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const flag = flags[s.flag];
    const value = typeof flag === 'string' ? flag : env[s.env];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = schema.parse(raw);
  const leaseNamespace =
    parsed.leaseNamespace || env['POD_NAMESPACE'] || parsed.namespace || 'default';
  return Object.freeze({ ...parsed, leaseNamespace });
}
