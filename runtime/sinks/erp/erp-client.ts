// A thin HTTP client for the ERP a flow writes to: JSON over an undici Pool, basic or bearer
// auth (OAuth 1.0a for NetSuite token-based auth), TLS verification with an optional CA bundle,
// the connection's query parameters (sap-client), the shared Redis budget, and the runtime's
// status classes: 2xx/4xx are values; 401/403 fatal; 408/429/503 retry after the server's pause;
// other 5xx, timeouts and network errors are thrown — for an order create, "in doubt".
import type { Pool } from 'undici';
import { verifiedPoolFor } from '../../http/verified-pool.ts';
import { FatalError, RetryableError } from '../../errors.ts';
import {
  oauth1Header,
  retryAfterMsOf,
  type BudgetSlot,
  type OAuth1Credentials,
} from '../commerce/commerce-sink.ts';

export type ErpAuth =
  | { basic: { username: string; password: string } }
  | { bearerToken: string }
  | { oauth1: OAuth1Credentials };

export interface ErpClientOptions {
  /** Service root, e.g. `https://s4.example/sap/opu/odata4/sap` or the NetSuite REST host. */
  url: string;
  auth: ErpAuth | undefined;
  ca?: string;
  queryParameters?: Readonly<Record<string, string>>;
  maxInFlight: number;
  requestTimeoutMs: number;
  nowMs: () => number;
  budget?: BudgetSlot;
}

export interface ErpResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export class ErpClient {
  readonly #pool: Pool;
  readonly #options: ErpClientOptions;
  readonly #base: URL;

  constructor(options: ErpClientOptions) {
    this.#options = options;
    this.#base = new URL(options.url);
    this.#pool = verifiedPoolFor(this.#base.origin, options);
  }

  /** `path` is below the service root and may carry a query (`A_SalesOrder?$filter=…`). */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<ErpResponse> {
    const lease = await this.#options.budget?.();
    const startedMs = this.#options.nowMs();
    try {
      return await this.#send(method, path, body);
    } finally {
      await lease?.release(this.#options.nowMs() - startedMs);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  #urlOf(path: string): URL {
    const url = new URL(
      `${this.#base.pathname.replace(/\/$/, '')}/${path.replace(/^\//, '')}`,
      this.#base.origin,
    );
    for (const [k, v] of Object.entries(this.#options.queryParameters ?? {}))
      url.searchParams.set(k, v);
    return url;
  }

  async #send(method: string, path: string, body: unknown): Promise<ErpResponse> {
    const url = this.#urlOf(path);
    const what = `${method} ${url.pathname}`;
    const response = await this.#pool.request({
      method: method,
      path: `${url.pathname}${url.search}`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...this.#authorization(method, url),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode === 401 || response.statusCode === 403)
      throw new FatalError(`call ERP ${what}: ${response.statusCode} ${text.slice(0, 300)}`);
    if ([408, 429, 503].includes(response.statusCode))
      throw new RetryableError(`call ERP ${what}: ${response.statusCode}`, {
        retryAfterMs: retryAfterMsOf(response.headers['retry-after'], this.#options.nowMs()),
      });
    if (response.statusCode >= 500)
      throw new Error(`call ERP ${what}: ${response.statusCode} ${text.slice(0, 300)}`);
    return {
      status: response.statusCode,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      headers: response.headers,
    };
  }

  #authorization(method: string, url: URL): Record<string, string> {
    const { auth } = this.#options;
    if (auth === undefined) return {};
    if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
    if ('basic' in auth)
      return {
        authorization: `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`,
      };
    return {
      authorization: oauth1Header(auth.oauth1, { method, url, nowMs: this.#options.nowMs() }),
    };
  }
}
