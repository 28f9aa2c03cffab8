// A thin HTTP client for the systems the runtime reads (OData, SuiteQL, REST, file URLs): the
// connection's base URL and query parameters, bearer or basic auth from the mounted Secret,
// TLS verification with an optional CA bundle, and the status classes the runner acts on —
// 401/403 fatal, 408/429/502/503/504 retry after the server's pause, other errors thrown.
import { join } from 'node:path';
import type { Dispatcher, Pool } from 'undici';
import { verifiedPoolFor } from '../http/verified-pool.ts';
import type { FlowConfig } from '../../crds/flow-config.ts';
import { parseDuration } from '../../crds/syncflow.ts';
import { FatalError, RetryableError } from '../errors.ts';
import { caOf, connectionOf, secretOf, type FileAccess } from '../settings.ts';

export interface ErpClientOptions {
  url: string;
  authorization: string | undefined;
  queryParameters: Readonly<Record<string, string>>;
  ca?: string;
  requestTimeoutMs: number;
  maxInFlight: number;
}

export interface ErpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

function authorizationOf(config: FlowConfig, files: FileAccess, name: string): string | undefined {
  const connection = connectionOf(config, name);
  const auth = connection.spec.auth;
  const read = (key: string): string => secretOf(files, connection, name, key);
  if (auth?.bearer) return `Bearer ${read(auth.bearer.tokenKey)}`;
  if (auth?.basic)
    return `Basic ${Buffer.from(`${read(auth.basic.usernameKey)}:${read(auth.basic.passwordKey)}`).toString('base64')}`;
  if (auth === undefined) return undefined;
  throw new FatalError(
    `connections.${name}.spec.auth: this build reads sources with auth.bearer or auth.basic only`,
  );
}

/** Client options of a connection of the flow document, credentials read from Secret files. */
export function erpClientOptionsFor(
  config: FlowConfig,
  files: FileAccess,
  name: string,
): ErpClientOptions {
  const { spec } = connectionOf(config, name);
  if (spec.url === undefined) throw new FatalError(`connections.${name}.spec.url: missing`);
  const ca = caOf(files, name, spec);
  return {
    url: spec.url,
    authorization: authorizationOf(config, files, name),
    queryParameters: spec.queryParameters ?? {},
    ...(ca === undefined ? {} : { ca }),
    requestTimeoutMs: parseDuration(spec.requestTimeout) * 1000,
    maxInFlight: spec.concurrency.maxInFlight,
  };
}

const retryStatuses = new Set([408, 429, 502, 503, 504]);

function isFailure(status: number): boolean {
  return status >= 500 || retryStatuses.has(status) || status === 401 || status === 403;
}

async function failureOf(what: string, response: Dispatcher.ResponseData): Promise<Error> {
  const status = response.statusCode;
  const text = (await response.body.text()).slice(0, 300);
  if (status === 401 || status === 403) return new FatalError(`read ${what}: ${status} ${text}`);
  if (!retryStatuses.has(status)) return new Error(`read ${what}: ${status} ${text}`);
  const seconds = Number(response.headers['retry-after'] ?? 1);
  return new RetryableError(`read ${what}: ${status}`, {
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : 1000,
  });
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

  /** A URL below the connection URL (`path` relative to it), with the connection's parameters. */
  urlOf(path: string, params: Record<string, string> = {}): URL {
    const url = new URL(this.#base.toString());
    url.pathname = join(url.pathname, path);
    for (const [k, v] of Object.entries({ ...this.#options.queryParameters, ...params }))
      url.searchParams.set(k, v);
    return url;
  }

  /** Sends a request; 2xx/4xx come back (body as a stream), the rest is thrown for the runner. */
  async send(
    method: 'GET' | 'POST',
    url: URL,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<ErpResponse> {
    if (url.origin !== this.#base.origin)
      throw new FatalError(`refusing to follow ${url.origin}: not the connection's origin`);
    const response = await this.#pool.request({
      method,
      path: `${url.pathname}${url.search}`,
      headers: this.#headersOf(options),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const status = response.statusCode;
    if (!isFailure(status)) return { status, headers: response.headers, body: response.body };
    throw await failureOf(`${method} ${url.pathname}`, response);
  }

  #headersOf(options: { body?: string; headers?: Record<string, string> }): Record<string, string> {
    return {
      accept: 'application/json',
      ...(this.#options.authorization ? { authorization: this.#options.authorization } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
  }

  /** A JSON request; a 4xx answer is thrown (the query itself is wrong: nothing to retry). */
  async json(
    method: 'GET' | 'POST',
    url: URL,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<unknown> {
    const response = await this.send(method, url, options);
    const text = await response.body.text();
    if (response.status >= 300)
      throw new FatalError(
        `read ${method} ${url.pathname}: ${response.status} ${text.slice(0, 500)}`,
      );
    return JSON.parse(text) as unknown;
  }

  async text(url: URL): Promise<string> {
    const response = await this.send('GET', url, { headers: { accept: 'application/xml' } });
    const text = await response.body.text();
    if (response.status >= 300)
      throw new FatalError(`read GET ${url.pathname}: ${response.status} ${text.slice(0, 500)}`);
    return text;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
