// The overlay that points examples/acme-distributor/ at the demo: each SyncConnection keeps its
// name and type but gets the local endpoint and a bearer token Secret of the doubles (no proxy,
// no SASL/TLS on the local broker), and each SyncFlow keeps everything but the time overlay of
// speed.ts. The example files stay the production ones. Pure.
import { syncFlowSpecSchema } from '../crds/syncflow.ts';
import { scaledFlowFor, type ScaledFlow } from './speed.ts';
import { plants } from './seed.ts';

export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface Endpoints {
  'erp-sap': string;
  'erp-netsuite': string;
  'erp-exports': string;
  commerce: string;
  kafkaBrokers: string[];
  redisUrl: string;
}

export const tokenSecretName = 'demo-token';

function without(spec: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !keys.includes(k)));
}

function httpConnection(spec: Record<string, unknown>, url: string): Record<string, unknown> {
  const rest = without(spec, ['proxy', 'tls', 'auth']);
  return { ...rest, url, auth: { bearer: { secretRef: { name: tokenSecretName } } } };
}

function connectionSpecFor(
  name: string,
  spec: Record<string, unknown>,
  endpoints: Endpoints,
): Record<string, unknown> {
  if (spec['type'] === 'kafka')
    return { ...without(spec, ['auth', 'tls']), brokers: endpoints.kafkaBrokers };
  if (spec['type'] === 'redis')
    return { ...without(spec, ['auth', 'tls']), url: endpoints.redisUrl };
  const url = endpoints[name as keyof Omit<Endpoints, 'kafkaBrokers' | 'redisUrl'>];
  if (typeof url !== 'string') throw new Error(`the demo has no double for connection ${name}`);
  const http = httpConnection(spec, url);
  if (spec['type'] !== 'commerce') return http;
  const commerce = (spec['commerce'] ?? {}) as Record<string, unknown>;
  // The demo's third warehouse: the example maps two plants.
  return {
    ...http,
    commerce: { ...commerce, sources: { ...(commerce['sources'] as object), ...plants } },
  };
}

export function connectionsFor(connections: readonly Manifest[], endpoints: Endpoints): Manifest[] {
  return connections.map((c) => ({
    ...c,
    spec: connectionSpecFor(c.metadata?.name ?? '', c.spec ?? {}, endpoints),
  }));
}

export function tokenSecretFor(token: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: tokenSecretName },
    type: 'Opaque',
    stringData: { token },
  };
}

export interface DemoFlow {
  name: string;
  manifest: Manifest;
  scaled: ScaledFlow | { stalled: string };
}

/** The flow with its compressed pattern, schedule and budget. */
export function flowFor(flow: Manifest, speed: number): DemoFlow {
  // Defaults applied (pattern: auto, …) as the apiserver and the operator see the spec.
  const spec = syncFlowSpecSchema.parse(flow.spec);
  const scaled = scaledFlowFor(spec, speed);
  const name = flow.metadata?.name ?? '';
  if ('stalled' in scaled) return { name, manifest: flow, scaled };
  // Only the fields the overlay sets; the rest of the spec is the example's.
  return { name, manifest: { ...flow, spec: { ...flow.spec, ...scaled.overlay } }, scaled };
}
