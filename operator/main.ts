// The operator's composition root: flags and environment → Config → pino logger → KubeConfig and
// client → metrics, probes, leader election → Manager, stopped by SIGTERM/SIGINT. The only module
// that reads process.env, builds clients or exits the process. `controllersFor` wires the
// SyncFlow controller.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { flagOptions, helpText, loadConfig, type Config } from './config.ts';
import {
  LeaderElector,
  Manager,
  OperatorMetrics,
  type Controller,
  type Informer,
} from './controller/manager.ts';
import { FlowMetrics } from './controller/flow-metrics.ts';
import { replayControllerFor } from './controller/replay-controller.ts';
import { sharedWithReplays, syncFlowControllerFor } from './controller/syncflow-controller.ts';
import { systemClock } from './clock.ts';
import { createKubeClient, type KubeClient } from './kube/client.ts';
import { ConnectionClients, FlowStateReader } from './state/flow-state.ts';
import { replayProgressReader } from './state/replay-progress.ts';

import {
  HttpServer,
  cachesSynced,
  metricsRoutes,
  ping,
  probeRoutes,
  workersNotWedged,
} from './http/server.ts';

export interface ControllerDeps {
  config: Config;
  client: KubeClient;
  log: Logger;
  metrics: OperatorMetrics;
  identity: string;
  flowMetrics: FlowMetrics;
  connectionClients: ConnectionClients;
}

export interface Controllers {
  informers: Informer<never>[];
  controllers: Controller[];
}

/** The controllers this process runs: SyncFlow and SyncFlowReplay. */
function controllersFor(deps: ControllerDeps): Controllers {
  const { config } = deps;
  const syncFlow = syncFlowControllerFor({
    client: deps.client,
    log: deps.log,
    metrics: deps.metrics,
    namespace: config.namespace,
    image: config.image,
    instanceId: config.instanceId,
    identity: deps.identity,
    maxConcurrentReconciles: config.maxConcurrentReconciles,
    shutdownGracePeriodMs: config.shutdownGracePeriodMs,
    lag: {
      reader: new FlowStateReader({ clients: deps.connectionClients }),
      metrics: deps.flowMetrics,
      refreshMs: config.lagRefreshMs,
      concurrency: config.lagConcurrency,
    },
  });
  const replay = replayControllerFor({
    client: deps.client,
    log: deps.log,
    metrics: deps.metrics,
    namespace: config.namespace,
    image: config.image,
    instanceId: config.instanceId,
    identity: deps.identity,
    progress: replayProgressReader({
      clients: deps.connectionClients,
      instanceId: config.instanceId,
    }),
    shared: sharedWithReplays(syncFlow.caches),
  });
  return {
    informers: [...syncFlow.informers, ...replay.informers],
    controllers: [...syncFlow.controllers, replay.controller],
  };
}

function readConfig(): Config | undefined {
  const { values } = parseArgs({ options: flagOptions(), strict: true, allowPositionals: false });
  if (values['help'] === true) {
    process.stdout.write(helpText());
    return undefined;
  }
  try {
    return loadConfig(process.env, values);
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err;
    process.stderr.write(`invalid configuration:\n${z.prettifyError(err)}\n`);
    process.exit(1);
  }
}

function loggerFor(config: Config): Logger {
  return pino({
    level: config.logLevel,
    base: { instance: config.instanceId },
    redact: [
      '*.password',
      '*.token',
      '*.authorization',
      'req.headers.authorization',
      'headers.authorization',
    ],
  });
}

/** SIGTERM/SIGINT start the graceful shutdown; an escaped error ends the process non-zero. */
function stopOnSignals(log: Logger): AbortController {
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  const crash = (err: unknown): void => {
    log.fatal({ err }, 'unexpected failure; exiting');
    process.exit(1);
  };
  process.on('unhandledRejection', crash);
  process.on('uncaughtException', crash);
  return stop;
}

/**
 * In a pod, the in-cluster ServiceAccount; on the local test node the pod's files live under
 * SYNCFLOW_ROOT, so the in-cluster token is read from there. Otherwise KUBECONFIG or ~/.kube.
 */
function kubeConfigFor(env: NodeJS.ProcessEnv): KubeConfig {
  const kubeConfig = new KubeConfig();
  const root = env['SYNCFLOW_ROOT'];
  if (root && env['KUBERNETES_SERVICE_HOST'] && !env['KUBECONFIG'])
    kubeConfig.loadFromCluster(root);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

function leaderElectorFor(
  deps: Pick<ControllerDeps, 'config' | 'client' | 'log' | 'metrics' | 'identity'>,
): LeaderElector | undefined {
  const { config, log } = deps;
  if (!config.leaderElection) return undefined;
  return new LeaderElector({
    leases: deps.client.api(CoordinationV1Api),
    namespace: config.leaseNamespace,
    name: config.leaseName,
    identity: deps.identity,
    log,
    metrics: deps.metrics,
    onLost: () => {
      log.fatal('leadership lost; exiting so that only the new leader writes');
      process.exit(1);
    },
  });
}

async function main(): Promise<void> {
  const config = readConfig();
  if (!config) return;
  const log = loggerFor(config);
  const kubeConfig = kubeConfigFor(process.env);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new OperatorMetrics(registry);
  const client = createKubeClient(kubeConfig, {
    registry,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const identity = `${process.env['POD_NAME'] ?? hostname()}_${randomUUID().slice(0, 8)}`;
  // Redis and Kafka clients per SyncConnection, built on demand from the connection's Secret.
  const connectionClients = new ConnectionClients({ kube: client, log, clock: systemClock });
  const { informers, controllers } = controllersFor({
    config,
    client,
    log,
    metrics,
    identity,
    flowMetrics: new FlowMetrics(registry),
    connectionClients,
  });
  const leaderElector = leaderElectorFor({ config, client, log, metrics, identity });
  const probes = probeRoutes({
    healthz: { ping, workers: workersNotWedged(() => controllers, 10 * 60_000) },
    readyz: { informers: cachesSynced(() => informers) },
  });
  const manager = new Manager({
    log,
    leaderElector,
    shutdownGracePeriodMs: config.shutdownGracePeriodMs,
  }).add(
    new HttpServer({ name: 'probes', port: config.probePort, routes: probes, log }),
    new HttpServer({
      name: 'metrics',
      port: config.metricsPort,
      routes: metricsRoutes(registry),
      log,
    }),
    ...informers,
    ...controllers,
  );
  const stop = stopOnSignals(log);
  log.info(
    { identity, namespace: config.namespace || '(all)', leaderElection: config.leaderElection },
    'operator starting',
  );
  await manager.run(stop.signal);
  await connectionClients.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
