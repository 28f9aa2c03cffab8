// The operator's HTTP endpoints (entry of http/): /healthz and /readyz from named checks, /metrics
// from a prom-client registry; one Runnable per port (metrics and probes may share one).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { runChecks, type Check } from './health.ts';

export { cachesSynced, ping, workersNotWedged, type Check } from './health.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function probeRoutes(checks: {
  healthz: Readonly<Record<string, Check>>;
  readyz: Readonly<Record<string, Check>>;
}): Record<string, Handler> {
  const handler =
    (set: Readonly<Record<string, Check>>): Handler =>
    (_req, res) => {
      const report = runChecks(set);
      res.writeHead(report.ok ? 200 : 500, { 'content-type': 'text/plain' }).end(report.body);
    };
  return { '/healthz': handler(checks.healthz), '/readyz': handler(checks.readyz) };
}

export function metricsRoutes(registry: Registry): Record<string, Handler> {
  return {
    '/metrics': async (_req, res) => {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    },
  };
}

export interface HttpServerOptions {
  name: string;
  port: number;
  host?: string;
  routes: Readonly<Record<string, Handler>>;
  log: Logger;
}

export class HttpServer {
  readonly name: string;
  private readonly options: HttpServerOptions;
  private readonly listening: Promise<number>;
  private resolvePort: (port: number) => void = () => undefined;

  constructor(options: HttpServerOptions) {
    this.options = options;
    this.name = options.name;
    this.listening = new Promise((resolve) => (this.resolvePort = resolve));
  }

  /** The bound port (useful with port 0), once listening. */
  port(): Promise<number> {
    return this.listening;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { routes, log } = this.options;
    const server = createServer((req, res) => {
      const route = routes[new URL(req.url ?? '/', 'http://local').pathname];
      if (!route) return void res.writeHead(404).end();
      Promise.resolve(route(req, res)).catch((err: unknown) => {
        log.error({ err, path: req.url }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.resolvePort(port);
    log.info({ server: this.name, port }, 'http server listening');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
