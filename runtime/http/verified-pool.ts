// The one place the runtime opens HTTP connections to Commerce and the ERPs: an undici Pool
// that always verifies the server's certificate (with the connection's CA bundle when given).
import { Pool } from 'undici';

export interface VerifiedPoolOptions {
  maxInFlight: number;
  requestTimeoutMs: number;
  ca?: string | undefined;
}

export function verifiedPoolFor(origin: string, options: VerifiedPoolOptions): Pool {
  return new Pool(origin, {
    connections: options.maxInFlight,
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
    connect: {
      rejectUnauthorized: true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    },
  });
}
