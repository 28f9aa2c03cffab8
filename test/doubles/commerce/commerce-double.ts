// Entry of the Commerce test double: an HTTP server that judges every request against Adobe's
// published admin REST schema (a rejected request is answered 400 and recorded in
// `violations`, which tests assert to be empty), keeps state like Commerce, counts writes, and
// injects latency and 429/503 answers on demand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommerceState } from './commerce-state.ts';
import { routes } from './commerce-routes.ts';
import { CommerceContract, type Judgement, type RouteMatch } from './contract.ts';

export interface Violation {
  method: string;
  url: string;
  problem: string;
}

export interface Fault {
  status: 429 | 503 | 500;
  /** Sent as `Retry-After` (seconds) when set. */
  retryAfterSeconds?: number;
  /** Only requests whose `METHOD template` includes this text; all when absent. */
  route?: string;
  /** Handle the request (commit its write), then answer with the fault: a lost answer. */
  afterCommit?: boolean;
}

export interface CommerceDoubleOptions {
  /** Accepted `Authorization: Bearer` token (integration token as bearer). */
  bearerToken?: string;
  latencyMs?: number;
}

export interface CommerceDouble {
  readonly url: string;
  readonly state: CommerceState;
  readonly violations: Violation[];
  /** Every request seen: method, route template (or raw path), store code, arrival time. */
  readonly requests: { method: string; route: string; storeCode: string; atMs: number }[];
  /** Requests being answered now, and the most there ever were at once (since the last reset). */
  inFlight(): { now: number; max: number };
  resetMaxInFlight(): void;
  setLatency(ms: number): void;
  /** The next `count` matching requests are answered with the fault instead of being handled. */
  failNext(count: number, fault: Fault): void;
  /**
   * Holds the next request whose method and path match until `release()`, before it is handled
   * (a slow Commerce under load): tests interleave two writers with it.
   */
  holdNext(method: string, path: RegExp): Hold;
  close(): Promise<void>;
}

export interface Hold {
  /** Resolves when the held request has arrived. */
  arrived: Promise<void>;
  release(): void;
}

let sharedContract: CommerceContract | undefined;
/** The contract parses in seconds; one instance per test process is enough. */
export function commerceContract(): CommerceContract {
  sharedContract ??= CommerceContract.load();
  return sharedContract;
}

async function bodyOf(req: IncomingMessage): Promise<{ json?: unknown; error?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `body is not JSON: ${(err as Error).message}` };
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(headers ?? {}) });
  res.end(JSON.stringify(body));
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const unauthorized: Answer = {
  status: 401,
  body: {
    message: "The consumer isn't authorized to access %resources.",
    parameters: { resources: 'Magento_InventoryApi::source' },
  },
};

function faultAnswer(fault: Fault): Answer {
  return {
    status: fault.status,
    body: { message: 'Service Unavailable' },
    ...(fault.retryAfterSeconds === undefined
      ? {}
      : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
  };
}

const restPattern = /^\/rest(?:\/([a-z0-9_]+))?(\/V1\/.*)$/;

export async function startCommerceDouble(
  options: CommerceDoubleOptions = {},
): Promise<CommerceDouble> {
  const contract = commerceContract();
  const state = new CommerceState();
  const violations: Violation[] = [];
  const requests: CommerceDouble['requests'] = [];
  let latencyMs = options.latencyMs ?? 0;
  const faults: { remaining: number; fault: Fault }[] = [];

  const takeFault = (route: string): Fault | undefined => {
    const entry = faults.find(
      (f) => f.remaining > 0 && (f.fault.route === undefined || route.includes(f.fault.route)),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  };

  const judge = (method: string, url: URL, body: { json?: unknown; error?: string }): Judgement =>
    body.error !== undefined
      ? { violation: body.error, status: 400 }
      : contract.judge(
          method,
          url.pathname.replace(restPattern, '$2'),
          url.searchParams,
          body.json,
        );

  const answer = (
    req: IncomingMessage,
    url: URL,
    body: { json?: unknown; error?: string },
  ): Answer => {
    const method = req.method ?? 'GET';
    if (
      options.bearerToken !== undefined &&
      req.headers.authorization !== `Bearer ${options.bearerToken}`
    )
      return unauthorized;
    const rest = restPattern.exec(url.pathname);
    if (!rest?.[2]) return { status: 404, body: { message: 'Request does not match any route.' } };
    const storeCode = rest[1] ?? 'default';
    const judgement = judge(method, url, body);
    if ('violation' in judgement) {
      violations.push({ method, url: req.url ?? '', problem: judgement.violation });
      requests.push({ method, route: rest[2], storeCode, atMs: Date.now() });
      return { status: judgement.status, body: { message: judgement.violation } };
    }
    return handled({
      method,
      rawUrl: req.url ?? '',
      storeCode,
      match: judgement.ok,
      url,
      json: body.json,
    });
  };

  const handled = ({
    method,
    rawUrl,
    storeCode,
    match,
    url,
    json,
  }: {
    method: string;
    rawUrl: string;
    storeCode: string;
    match: RouteMatch;
    url: URL;
    json: unknown;
  }): Answer => {
    const routeKey = `${method} ${match.template}`;
    requests.push({ method, route: match.template, storeCode, atMs: Date.now() });
    const fault = takeFault(routeKey);
    if (fault && !fault.afterCommit) return faultAnswer(fault);
    const handler = routes[routeKey];
    if (!handler) {
      violations.push({
        method,
        url: rawUrl,
        problem: `${routeKey} is in the contract but not implemented by the double`,
      });
      return {
        status: 501,
        body: { message: `${routeKey} is not implemented by the Commerce double` },
      };
    }
    const answer = handler(state, {
      params: match.params,
      query: url.searchParams,
      body: json,
      storeCode,
    });
    return fault ? faultAnswer(fault) : answer;
  };

  let inFlight = 0;
  let maxInFlight = 0;
  const holds: { method: string; path: RegExp; arrive: () => void; released: Promise<void> }[] = [];
  const holdNext = (method: string, path: RegExp): Hold => {
    let arrive = (): void => undefined;
    let release = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    holds.push({ method, path, arrive, released });
    return { arrived, release };
  };
  const heldUntilReleased = async (method: string, path: string): Promise<void> => {
    const index = holds.findIndex((h) => h.method === method && h.path.test(path));
    if (index < 0) return;
    const [hold] = holds.splice(index, 1);
    hold!.arrive();
    await hold!.released;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const url = new URL(req.url ?? '/', 'http://double');
      const body = await bodyOf(req);
      await heldUntilReleased(req.method ?? 'GET', url.pathname);
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const { status, body: responseBody, headers } = answer(req, url, body);
      send(res, status, responseBody, headers);
    } finally {
      inFlight -= 1;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      send(res, 500, { message: `double failed: ${String(err)}` }),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    violations,
    requests,
    inFlight: () => ({ now: inFlight, max: maxInFlight }),
    resetMaxInFlight: () => (maxInFlight = inFlight),
    setLatency: (ms) => (latencyMs = ms),
    failNext: (count, fault) => faults.push({ remaining: count, fault }),
    holdNext,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
