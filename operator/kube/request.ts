// One raw API request over the shared transport: build the URL, authenticate with the KubeConfig,
// send, and turn a non-2xx answer into an ApiException like the typed clients do.
import {
  ApiException,
  type Configuration,
  type HttpMethod,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
}

export interface Http {
  kubeConfig: KubeConfig;
  configuration: Configuration;
  userAgent: string;
}

interface Authentication {
  headers: Record<string, string>;
  dispatcher: ReturnType<RequestContext['getDispatcher']>;
}

/**
 * client-node authenticates each request from scratch: it decodes the kubeconfig's certificates,
 * re-reads token files and builds a new undici Agent (most of the client's CPU at 1,000 flows).
 * The outcome — headers and dispatcher — is kept for `authenticationTtlMs`, short enough that a
 * rotated token file or an expiring exec credential is picked up in time.
 */
const authenticationTtlMs = 10_000;
const authentications = new WeakMap<
  KubeConfig,
  { authentication: Promise<Authentication>; atMs: number }
>();

async function authenticate(http: Http): Promise<Authentication> {
  const ctx = http.configuration.baseServer.makeRequestContext('/', 'GET');
  await http.kubeConfig.applySecurityAuthentication(ctx);
  return { headers: { ...ctx.getHeaders() }, dispatcher: ctx.getDispatcher() };
}

function authenticationFor(http: Http): Promise<Authentication> {
  const cached = authentications.get(http.kubeConfig);
  if (cached && Date.now() - cached.atMs < authenticationTtlMs) return cached.authentication;
  const authentication = authenticate(http);
  authentications.set(http.kubeConfig, { authentication, atMs: Date.now() });
  authentication.catch(() => authentications.delete(http.kubeConfig));
  return authentication;
}

async function contextFor(http: Http, spec: RequestSpec): Promise<RequestContext> {
  const ctx = http.configuration.baseServer.makeRequestContext(spec.path, spec.method);
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined) ctx.setQueryParam(name, String(value));
  }
  ctx.setHeaderParam('Accept', 'application/json');
  ctx.setHeaderParam('User-Agent', http.userAgent);
  if (spec.body !== undefined) {
    ctx.setHeaderParam('Content-Type', spec.contentType ?? 'application/json');
    ctx.setBody(JSON.stringify(spec.body));
  }
  if (spec.signal) ctx.setSignal(spec.signal);
  const { headers, dispatcher } = await authenticationFor(http);
  for (const [name, value] of Object.entries(headers)) ctx.setHeaderParam(name, value);
  if (dispatcher) ctx.setDispatcher(dispatcher);
  return ctx;
}

/** Sends the request; resolves with the response of a 2xx answer, else rejects with ApiException. */
export async function send(http: Http, spec: RequestSpec): Promise<ResponseContext> {
  const ctx = await contextFor(http, spec);
  const response = await http.configuration.httpApi.send(ctx).toPromise();
  if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return response;
  const body = await response.body.text().catch(() => '');
  throw new ApiException(
    response.httpStatusCode,
    `${spec.method} ${spec.path} answered ${response.httpStatusCode}`,
    body,
    response.headers,
  );
}

export async function sendForJson<T>(http: Http, spec: RequestSpec): Promise<T> {
  const response = await send(http, spec);
  return JSON.parse(await response.body.text()) as T;
}
