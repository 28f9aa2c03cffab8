// The environment's promises to its users: env:up/env:down leave no process behind, and a
// missing prerequisite or a taken port fails with one clear line.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';
import { startEnvironment } from './start-environment.ts';

const run = promisify(execFile);
const cli = join(repoRoot, 'test/env/cli.ts');

/** Every live process whose parent chain leads to `root`. */
function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we read
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run env:up / env:down', () => {
  it('starts everything in the background and leaves no process behind', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'sf-envfile-')), 'env.json');
    const env = { ...process.env, SYNCFLOW_ENV_FILE: envFile };
    const { stdout } = await run(process.execPath, [cli, 'up'], { env });
    expect(stdout).toContain('kubeconfig');
    const info = JSON.parse(readFileSync(envFile, 'utf8')) as {
      pid: number;
      kafkaBrokers: string[];
      redisUrl: string;
      kubeconfig: string;
    };
    expect(info.kafkaBrokers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const processes = [info.pid, ...descendantsOf(info.pid)];
    // etcd, apiserver, controller manager, scheduler, Kafka, Redis (each under setpriv).
    expect(processes.length).toBeGreaterThanOrEqual(7);

    const down = await run(process.execPath, [cli, 'down'], { env });
    expect(down.stdout).toContain('stopped');
    expect(processes.filter(isAlive)).toEqual([]);
  });

  it('names a missing prerequisite in one line', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'sf-path-'));
    for (const tool of ['setpriv', 'openssl', 'redis-server', 'bash', 'go', 'mvn']) {
      const found = await run('bash', ['-c', `command -v ${tool}`]).catch(() => undefined);
      if (found) symlinkSync(found.stdout.trim(), join(bin, tool));
    }
    const envFile = join(mkdtempSync(join(tmpdir(), 'sf-envfile-')), 'env.json');
    const failure = await run(process.execPath, [cli, 'up'], {
      env: { ...process.env, PATH: bin, SYNCFLOW_ENV_FILE: envFile },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    const lines = failure?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/missing prerequisite: Java 17\+ .*apt-get install/);
  });

  it('fails with a clear message when a requested port is taken', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startEnvironment({ redis: true, ports: { redis: port } })).rejects.toThrow(
        `port ${port} on 127.0.0.1 (for Redis) is taken by another process`,
      );
    } finally {
      server.close();
    }
  });
});
