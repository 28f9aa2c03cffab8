// The operator's one connection pool to the API server, on HTTP/1.1. client-node's undici Agent
// lets TLS negotiate HTTP/2, and Node's HTTP/2 stream layer cost the operator about a fifth of its
// CPU at 1,000 flows; undici's HTTP/1.1 client is its fast path, and keep-alive connections (one
// per concurrent request, one per watch) cost the API server no more than streams do. The TLS
// material is the kubeconfig's, as client-node resolves it. A kubeconfig with a proxy keeps
// client-node's own dispatcher (undefined here).
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';

export async function apiServerPoolFor(kubeConfig: KubeConfig): Promise<Dispatcher | undefined> {
  if (kubeConfig.getCurrentCluster()?.proxyUrl) return undefined;
  const tls: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  return new Agent({
    allowH2: false,
    connect: {
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
      ...(tls.rejectUnauthorized === undefined
        ? {}
        : { rejectUnauthorized: tls.rejectUnauthorized }),
    },
  });
}
