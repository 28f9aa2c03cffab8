// Counts API requests by HTTP method and status code, for /metrics (`rest_client_requests_total`,
// controller-runtime's name) and for benchmarks and tests that must show "zero writes when idle".
import { Counter, type Registry } from 'prom-client';

/** HTTP methods, plus WATCH for a GET with watch=true (a long-lived stream, not a read). */
export type RequestMethod = 'GET' | 'WATCH' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OTHER';

const writeMethods: ReadonlySet<RequestMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class RequestCounter {
  private readonly counts = new Map<RequestMethod, number>();
  private readonly metric: Counter<'method' | 'code'> | undefined;

  constructor(registry?: Registry) {
    this.metric = registry
      ? new Counter({
          name: 'rest_client_requests_total',
          help: 'Number of HTTP requests to the Kubernetes API, partitioned by method and status code.',
          labelNames: ['method', 'code'],
          registers: [registry],
        })
      : undefined;
  }

  /** `code` is the HTTP status, or '<error>' when no response arrived. */
  record(method: RequestMethod, code: string): void {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    this.metric?.inc({ method, code });
  }

  byMethod(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.counts);
  }

  /** POST, PUT, PATCH and DELETE requests so far. */
  writes(): number {
    let total = 0;
    for (const [method, n] of this.counts) if (writeMethods.has(method)) total += n;
    return total;
  }

  total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }
}

export function requestMethodOf(httpMethod: string, url: string): RequestMethod {
  const method = httpMethod.toUpperCase();
  if (method === 'GET') return /[?&]watch=(true|1)(&|$)/.test(url) ? 'WATCH' : 'GET';
  return (['POST', 'PUT', 'PATCH', 'DELETE'] as const).find((m) => m === method) ?? 'OTHER';
}
