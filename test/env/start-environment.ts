// startEnvironment(): the real components the tests and the demo run against, each on free
// loopback ports with its log in one run folder. Entry point of test/env/.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureArtifacts, type Artifacts } from './artifacts.ts';
import { startKafka, type KafkaBroker } from './kafka.ts';
import { startKube, type KubeControlPlane } from './kube.ts';
import {
  startLocalNode,
  type LocalNode,
  type LocalNodeInfo,
  type LocalNodeSettings,
  type NodeMode,
} from './node/local-node.ts';
import { EnvironmentError } from './errors.ts';
import { newRunDir } from './paths.ts';
import { prerequisites, requirePrerequisite } from './prerequisites.ts';
import { startRedis, type RedisServer } from './redis.ts';

export interface EnvironmentOptions {
  kube?: boolean;
  kafka?: boolean;
  redis?: boolean;
  /**
   * A local node for the pods (needs `kube`): `simulate` marks them Running and Ready and
   * completes Jobs' pods; `run` runs the project's image as local processes. Default: none.
   */
  node?: NodeMode;
  nodeOptions?: LocalNodeSettings;
  /** Fixed ports instead of free ones; a taken port fails with a clear message. */
  ports?: { apiserver?: number; kafka?: number; redis?: number };
  /** Keep the run folder (logs, data) after stop. Default: keep only if start-up failed. */
  keepRunDir?: boolean;
  log?: (line: string) => void;
}

/** What tests and tools need to reach the environment; also written to .syncflow-env.json. */
export interface EnvironmentInfo {
  runDir: string;
  kubeconfig?: string;
  /** kubectl of the same Kubernetes version as the local control plane. */
  kubectl?: string;
  kafkaBrokers?: string[];
  redisUrl?: string;
  node?: LocalNodeInfo;
}

export interface Environment extends EnvironmentInfo {
  readonly kubeControlPlane?: KubeControlPlane;
  readonly kafkaBroker?: KafkaBroker;
  readonly redisServer?: RedisServer;
  /** Pod logs, pod processes, and stop() of the local node (stopped by `stop()` too). */
  readonly node?: LocalNode;
  /** Stops every process the environment started. Idempotent. */
  stop(): Promise<void>;
}

async function checkPrerequisites(options: EnvironmentOptions): Promise<void> {
  const needed = [prerequisites.setpriv];
  if (options.kube) needed.push(prerequisites.openssl);
  if (options.kafka) needed.push(prerequisites.java);
  if (options.redis) needed.push(prerequisites.redis);
  if (options.node && !options.kube) {
    throw new EnvironmentError('a local node needs the control plane: set kube: true');
  }
  for (const p of needed) await requirePrerequisite(p);
}

type Started = [KubeControlPlane | undefined, KafkaBroker | undefined, RedisServer | undefined];

async function startComponents(
  options: EnvironmentOptions,
  runDir: string,
  artifacts: Artifacts,
): Promise<{ started: Started; failure?: unknown }> {
  const ports = options.ports ?? {};
  const results = await Promise.allSettled([
    options.kube
      ? startKube({ runDir, binDir: artifacts.kubeBinDir, apiserverPort: ports.apiserver })
      : undefined,
    options.kafka
      ? startKafka({ runDir, libDir: artifacts.kafkaLibDir, port: ports.kafka })
      : undefined,
    options.redis ? startRedis({ runDir, port: ports.redis }) : undefined,
  ]);
  const started = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as Started;
  const failure = results.find((r) => r.status === 'rejected');
  return failure ? { started, failure: failure.reason } : { started };
}

async function startNode(
  options: EnvironmentOptions,
  runDir: string,
  kube: KubeControlPlane | undefined,
  log: (line: string) => void,
): Promise<LocalNode | undefined> {
  if (!options.node || !kube) return undefined;
  return startLocalNode({
    ...options.nodeOptions,
    mode: options.node,
    kubeconfigPath: kube.kubeconfigPath,
    runDir,
    log,
  });
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[env] ${line}\n`));
  await checkPrerequisites(options);
  const artifacts = await ensureArtifacts(options, log);
  const runDir = newRunDir();
  const { started, failure: componentFailure } = await startComponents(options, runDir, artifacts);
  const [kube, kafka, redis] = started;
  const stopComponents = async (): Promise<void> => {
    await Promise.allSettled([kube?.stop(), kafka?.stop(), redis?.stop()]);
  };
  let failure = componentFailure;
  const node =
    failure === undefined
      ? await startNode(options, runDir, kube, log).catch((err: unknown) => {
          failure = err;
          return undefined;
        })
      : undefined;
  if (failure !== undefined) {
    await stopComponents();
    throw failure instanceof Error
      ? failure
      : new Error('environment start-up failed', { cause: failure });
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // The node first: its processes may be clients of the other components.
      await node?.stop();
      await stopComponents();
      if (!options.keepRunDir) rmSync(runDir, { recursive: true, force: true });
    })());
  return {
    runDir,
    ...(kube
      ? {
          kubeconfig: kube.kubeconfigPath,
          kubectl: join(artifacts.kubeBinDir, 'kubectl'),
          kubeControlPlane: kube,
        }
      : {}),
    ...(kafka ? { kafkaBrokers: kafka.brokers, kafkaBroker: kafka } : {}),
    ...(redis ? { redisUrl: redis.url, redisServer: redis } : {}),
    ...(node ? { node } : {}),
    stop,
  };
}
