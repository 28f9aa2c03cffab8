// Free loopback ports, and a clear error when a requested one is taken.
import { createServer } from 'node:net';
import { EnvironmentError } from './errors.ts';

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolvePort(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new EnvironmentError('no free loopback port');
  return port;
}

/** The requested port if given (failing when it is taken), otherwise a free one. */
export async function portFor(what: string, requested?: number): Promise<number> {
  if (requested === undefined) return freePort();
  if ((await tryListen(requested)) === undefined) {
    throw new EnvironmentError(
      `port ${requested} on 127.0.0.1 (for ${what}) is taken by another process: stop it or choose another port`,
    );
  }
  return requested;
}
