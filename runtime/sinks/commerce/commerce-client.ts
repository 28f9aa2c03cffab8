// A thin Commerce REST client over an undici Pool: store-code scoped URLs
// (`/rest/<store>/V1/…`), bearer or OAuth 1.0a auth, TLS verification with an optional CA
// bundle, a per-process in-flight cap plus the connection's shared Redis budget (when given; a
// slot is held for the whole call and its latency reported), and the status classes the runner acts on:
// 2xx/4xx come back as values, 401/403 are fatal, 408/429/503 retry after the server's pause,
// other 5xx and network errors are thrown for a retry with backoff.
import type { Pool } from 'undici';
import { verifiedPoolFor } from '../../http/verified-pool.ts';
import { FatalError, RetryableError } from '../../errors.ts';
import type { Lease } from '../budget/budget.ts';
import { oauth1Header, type OAuth1Credentials } from './oauth1.ts';

/** A slot of the connection's shared budget, at the flow's priority. */
export type BudgetSlot = () => Promise<Lease>;

export type CommerceAuth = { bearerToken: string } | { oauth1: OAuth1Credentials };

export interface CommerceClientOptions {
  /** Origin and optional path prefix, e.g. `https://shop.example.com`. */
  url: string;
  storeCode: string;
  auth: CommerceAuth;
  /** PEM CA bundle; TLS verification is always on. */
  ca?: string;
  maxInFlight: number;
  requestTimeoutMs: number;
  nowMs: () => number;
  /** The connection's budget shared through Redis; absent: only the per-process cap. */
  budget?: BudgetSlot;
}

export interface CommerceResponse {
  status: number;
  body: unknown;
}

const defaultRetryAfterMs = 1000;

export function retryAfterMsOf(header: string | string[] | undefined, nowMs: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return defaultRetryAfterMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? defaultRetryAfterMs : Math.max(0, at - nowMs);
}

export class CommerceClient {
  readonly #pool: Pool;
  readonly #options: CommerceClientOptions;
  readonly #base: URL;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: CommerceClientOptions) {
    this.#options = options;
    this.#base = new URL(options.url);
    this.#pool = verifiedPoolFor(this.#base.origin, options);
  }

  /** `path` starts at `/V1/…`; the store code comes from the options unless given. */
  async request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<CommerceResponse> {
    await this.#acquire();
    try {
      const lease = await this.#options.budget?.();
      const startedMs = this.#options.nowMs();
      try {
        return await this.#send(method, path, body);
      } finally {
        await lease?.release(this.#options.nowMs() - startedMs);
      }
    } finally {
      this.#release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
  ): Promise<CommerceResponse> {
    const url = new URL(
      `${this.#base.pathname.replace(/\/$/, '')}/rest/${this.#options.storeCode}${path}`,
      this.#base.origin,
    );
    const response = await this.#pool.request({
      method,
      path: `${url.pathname}${url.search}`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: this.#authorization(method, url),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    const what = `${method} ${url.pathname}`;
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new FatalError(`call Commerce ${what}: ${response.statusCode} ${text.slice(0, 300)}`);
    }
    if ([408, 429, 502, 503, 504].includes(response.statusCode)) {
      throw new RetryableError(`call Commerce ${what}: ${response.statusCode}`, {
        retryAfterMs: retryAfterMsOf(response.headers['retry-after'], this.#options.nowMs()),
      });
    }
    if (response.statusCode >= 500)
      throw new Error(`call Commerce ${what}: ${response.statusCode} ${text.slice(0, 300)}`);
    return { status: response.statusCode, body: parsed };
  }

  #authorization(method: string, url: URL): string {
    const { auth } = this.#options;
    if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
    return oauth1Header(auth.oauth1, { method, url, nowMs: this.#options.nowMs() });
  }

  async #acquire(): Promise<void> {
    if (this.#inFlight < this.#options.maxInFlight) {
      this.#inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}

/** Commerce's error body: `message` with `%name`/`%1` placeholders filled from `parameters`. */
export function errorMessageOf(body: unknown): string {
  if (body === null || typeof body !== 'object') return JSON.stringify(body);
  const { message, parameters } = body as { message?: unknown; parameters?: unknown };
  if (typeof message !== 'string') return JSON.stringify(body);
  if (parameters === null || typeof parameters !== 'object') return message;
  const values = parameters as Record<string, unknown>;
  return message.replace(/%(\w+)/g, (whole, name: string) => {
    const value: unknown = Array.isArray(values) ? values[Number(name) - 1] : values[name];
    return value === undefined ? whole : typeof value === 'string' ? value : JSON.stringify(value);
  });
}
