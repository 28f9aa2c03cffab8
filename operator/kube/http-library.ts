// client-node's HttpLibrary on undici's `request` instead of `fetch`. At 1,000 flows fetch's WHATWG
// layers (Request/Response objects, web streams for every body, dependent abort signals) were a
// fifth of the operator's CPU; `request` speaks to the same Dispatcher (the kubeconfig's TLS and
// connection pool) without them. Bodies stay streams until read, so watches still stream.
import { Readable } from 'node:stream';
import { ResponseContext, type RequestContext } from '@kubernetes/client-node';
import { getGlobalDispatcher, type Dispatcher } from 'undici';

type ResponseHeaders = Record<string, string>;

function headersOf(raw: Dispatcher.ResponseData['headers']): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function bodyOf(ctx: RequestContext): string | undefined {
  const body = ctx.getBody();
  if (body === undefined || typeof body === 'string') return body;
  // The API server takes JSON and YAML only; the typed clients never send forms.
  throw new TypeError(`unsupported request body for ${ctx.getUrl()}: ${typeof body}`);
}

/** Sends one request on the context's dispatcher (its TLS settings), the global one without. */
export async function sendOverUndici(ctx: RequestContext): Promise<ResponseContext> {
  const url = new URL(ctx.getUrl());
  const dispatcher = ctx.getDispatcher() ?? getGlobalDispatcher();
  const signal = ctx.getSignal();
  const response = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: ctx.getHttpMethod(),
    headers: ctx.getHeaders(),
    body: bodyOf(ctx) ?? null,
    ...(signal ? { signal } : {}),
  });
  const { body } = response;
  return new ResponseContext(response.statusCode, headersOf(response.headers), {
    text: () => body.text(),
    binary: async () => Buffer.from(await body.arrayBuffer()),
    stream: () => Readable.toWeb(body) as ReadableStream<Uint8Array>,
  });
}
