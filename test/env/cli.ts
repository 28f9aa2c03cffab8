// `npm run env:up` / `npm run env:down`: the local environment as a background service.
// `up` starts a detached `serve` process that owns every component and writes
// .syncflow-env.json once ready; `down` stops it and waits until nothing is left.
// `up --node simulate|run|none` chooses the local node (default: simulate).
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  envFilePath,
  isAlive,
  readEnvFile,
  removeEnvFile,
  runningEnvFile,
  writeEnvFile,
} from './env-file.ts';
import { EnvironmentError } from './errors.ts';
import { repoRoot } from './paths.ts';
import { startEnvironment } from './start-environment.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const nodeModes = ['simulate', 'run', 'none'] as const;
type NodeChoice = (typeof nodeModes)[number];

function nodeChoice(value: string | undefined): NodeChoice {
  const choice = value ?? 'simulate';
  if (!(nodeModes as readonly string[]).includes(choice)) {
    throw new EnvironmentError(`--node must be one of ${nodeModes.join(', ')}; got ${choice}`);
  }
  return choice as NodeChoice;
}

async function serve(node: NodeChoice): Promise<void> {
  const env = await startEnvironment({
    kube: true,
    kafka: true,
    redis: true,
    keepRunDir: true,
    ...(node === 'none' ? {} : { node }),
  });
  const { runDir, kubeconfig, kubectl, kafkaBrokers, redisUrl } = env;
  writeEnvFile({
    pid: process.pid,
    runDir,
    kubeconfig,
    kubectl,
    kafkaBrokers,
    redisUrl,
    ...(env.node ? { node: { name: env.node.name, mode: env.node.mode, dir: env.node.dir } } : {}),
  } as Parameters<typeof writeEnvFile>[0]);
  const shutdown = async (): Promise<void> => {
    await env.stop();
    removeEnvFile();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

async function up(node: NodeChoice): Promise<void> {
  const running = runningEnvFile();
  if (running) {
    process.stdout.write(`already running:\n${JSON.stringify(running, null, 2)}\n`);
    return;
  }
  removeEnvFile();
  const logFile = envFilePath.replace(/\.json$/, '.log');
  const out = openSync(logFile, 'w');
  const cli = join(repoRoot, 'test/env/cli.ts');
  const child = spawn(process.execPath, [cli, 'serve', '--node', node], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  const deadline = Date.now() + 45 * 60_000; // a cold first build takes minutes
  while (Date.now() < deadline) {
    const file = readEnvFile();
    if (file) {
      process.stdout.write(`${JSON.stringify(file, null, 2)}\nwritten to ${envFilePath}\n`);
      return;
    }
    if (child.pid === undefined || !isAlive(child.pid)) {
      const lastLine = readFileSync(logFile, 'utf8').trim().split('\n').pop() ?? '';
      throw new EnvironmentError(`the environment did not start: ${lastLine} (log: ${logFile})`);
    }
    await sleep(300);
  }
  throw new EnvironmentError(`the environment did not start in time; see ${logFile}`);
}

async function down(): Promise<void> {
  const file = readEnvFile();
  if (!file || !isAlive(file.pid)) {
    removeEnvFile();
    process.stdout.write('no environment is running\n');
    return;
  }
  process.kill(file.pid, 'SIGTERM');
  while (isAlive(file.pid)) await sleep(200);
  removeEnvFile();
  process.stdout.write('stopped\n');
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { node: { type: 'string' } },
});
const commands: Record<string, (node: NodeChoice) => Promise<void>> = { up, down, serve };
const command = commands[positionals[0] ?? ''];
if (!command) {
  process.stderr.write('usage: node test/env/cli.ts up [--node simulate|run|none] | down\n');
  process.exit(2);
}
try {
  await command(nodeChoice(values.node));
} catch (err) {
  if (!(err instanceof EnvironmentError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
