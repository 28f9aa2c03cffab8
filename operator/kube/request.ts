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
  await http.kubeConfig.applySecurityAuthentication(ctx);
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
