// The HTTP layer under every API call (typed clients and the thin client): a per-request timeout
// (client-node sets none), honouring 429 Retry-After a bounded number of times (client-node has
// no client-side rate limiting; API Priority and Fairness answers overload with 429), and the
// request counter. Watches keep the caller's signal and get no timeout: they are long-lived.
import {
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { sleep, systemClock, type Clock } from '../clock.ts';
import { retryAfterMs } from './api-error.ts';
import { sendOverUndici } from './http-library.ts';
import { requestMethodOf, type RequestCounter } from './request-counter.ts';

export interface TransportOptions {
  counter: RequestCounter;
  /** Deadline of one request (not of a watch). Default: 30,000 ms. */
  requestTimeoutMs?: number;
  /** How many times a 429 is retried before it is returned to the caller. Default: 3. */
  maxRetriesOn429?: number;
  /** Longest Retry-After honoured per retry. Default: 30,000 ms. */
  maxRetryAfterMs?: number;
  clock?: Clock;
  /** The connection pool every request goes through; without one, client-node's first Agent. */
  pool?: () => Promise<Dispatcher | undefined>;
}

export function transportFor(options: TransportOptions): HttpLibrary {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxRetries = options.maxRetriesOn429 ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const clock = options.clock ?? systemClock;

  const sendOnce = async (ctx: RequestContext): Promise<ResponseContext> => {
    const method = requestMethodOf(ctx.getHttpMethod(), ctx.getUrl());
    try {
      const response = await sendOverUndici(ctx);
      options.counter.record(method, String(response.httpStatusCode));
      return response;
    } catch (err) {
      options.counter.record(method, '<error>');
      throw err;
    }
  };

  // client-node 2.0.1 builds a new undici Agent for every request (KubeConfig.createDispatcher is
  // not cached), so each request paid a TLS handshake and left an idle Agent behind: most of the
  // operator's CPU and memory at 1,000 flows. Every request goes through one dispatcher: the
  // pool given, else the first Agent seen. The others, which never connected, are closed once
  // (the thin client hands the same one to many requests until its authentication is refreshed,
  // and closing a closed Agent builds an error each time).
  let shared: Dispatcher | undefined;
  let pool: Promise<Dispatcher | undefined> | undefined;
  const retired = new WeakSet<Dispatcher>();
  const useSharedDispatcher = async (ctx: RequestContext): Promise<void> => {
    if (!pool) {
      pool = options.pool?.() ?? Promise.resolve(undefined);
      // A pool that could not be built (e.g. an unreadable certificate) is built again next time.
      pool.catch(() => (pool = undefined));
    }
    const fresh = ctx.getDispatcher();
    shared ??= (await pool) ?? fresh;
    if (fresh && fresh !== shared && !retired.has(fresh)) {
      retired.add(fresh);
      void fresh.close().catch(() => undefined);
    }
    if (shared) ctx.setDispatcher(shared);
  };

  const send = async (ctx: RequestContext): Promise<ResponseContext> => {
    await useSharedDispatcher(ctx);
    const callerSignal = ctx.getSignal();
    const isWatch = requestMethodOf(ctx.getHttpMethod(), ctx.getUrl()) === 'WATCH';
    for (let attempt = 0; ; attempt++) {
      if (!isWatch) {
        const timeout = AbortSignal.timeout(timeoutMs);
        ctx.setSignal(callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout);
      }
      const response = await sendOnce(ctx);
      if (response.httpStatusCode !== 429 || attempt >= maxRetries || callerSignal?.aborted) {
        return response;
      }
      await response.body.text().catch(() => undefined);
      const waitMs = retryAfterMs(response.headers, 1000 * 2 ** attempt, maxRetryAfterMs);
      await sleep(clock, waitMs, callerSignal);
    }
  };
  return wrapHttpLibrary({ send });
}
