// A real redis-server (Debian package) on a free loopback port, with AOF persistence and
// `noeviction`, as the runtime requires of a production Redis.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startChild, type Child } from './child-process.ts';
import { portFor } from './ports.ts';
import { waitUntil } from './wait-until.ts';

export interface RedisOptions {
  runDir: string;
  port?: number | undefined;
}

export interface RedisServer {
  readonly url: string;
  /** Stops the server; the AOF keeps the data for `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function isRedisReady(port: number): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

export async function startRedis(options: RedisOptions): Promise<RedisServer> {
  const port = await portFor('Redis', options.port);
  const dir = join(options.runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    child = startChild({
      name: 'redis-server',
      command: 'redis-server',
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
      ],
      logFile: join(options.runDir, 'redis.log'),
    });
    await waitUntil(() => isRedisReady(port), { what: 'Redis', timeoutMs: 20_000, child });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop: async () => child?.stop() };
}
