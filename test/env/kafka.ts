// A single-node Apache Kafka broker in KRaft mode, run from the Maven Central jars on Java 17+.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { runToCompletion, startChild, type Child } from './child-process.ts';
import { portFor } from './ports.ts';
import { waitUntil } from './wait-until.ts';

export interface KafkaOptions {
  runDir: string;
  libDir: string;
  port?: number | undefined;
}

export interface KafkaBroker {
  readonly brokers: string[];
  /** Stops the broker; its data stays, so `start()` brings back the same topics and offsets. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.flush.interval.ms=1000',
    '',
  ].join('\n');
}

const JVM_OPTS = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true'];

async function isKafkaReady(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect();
  }
}

export async function startKafka(options: KafkaOptions): Promise<KafkaBroker> {
  const port = await portFor('Kafka', options.port);
  const controllerPort = await portFor('Kafka controller');
  const dir = join(options.runDir, 'kafka');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const props = join(dir, 'server.properties');
  writeFileSync(props, serverProperties(dataDir, port, controllerPort));
  const classpath = `${options.libDir}/*`;
  const logFile = join(options.runDir, 'kafka.log');
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    // kafka-storage parses an id that starts with '-' as an option: avoid that first character.
    const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
    await runToCompletion({
      name: 'kafka-storage-format',
      command: 'java',
      args: [
        ...JVM_OPTS,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        props,
        '--ignore-formatted',
      ],
      logFile,
    });
  }
  const brokers = [`127.0.0.1:${port}`];
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    child = startChild({
      name: 'kafka',
      command: 'java',
      args: [...JVM_OPTS, '-cp', classpath, 'kafka.Kafka', props],
      logFile,
    });
    await waitUntil(() => isKafkaReady(brokers), {
      what: 'Kafka broker',
      timeoutMs: 90_000,
      intervalMs: 500,
      child,
    });
  };
  await start();
  return { brokers, start, stop: async () => child?.stop(20_000) };
}
