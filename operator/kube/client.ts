// The operator's thin Kubernetes client (entry of kube/): get, list, server-side apply, status
// merge patch, delete, create and watch for any kind named by a ResourceType, over one transport
// that adds request timeouts, honours 429 Retry-After and counts requests. Typed client-node APIs
// (e.g. CoordinationV1Api for leases) are built on the same `configuration` via `api()`.
import {
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import {
  applyObject,
  createObject,
  deleteObject,
  fieldManager,
  getObject,
  listObjects,
  patchStatus,
  type ListOptions,
  type ListResult,
  type ObjectKey,
} from './objects.ts';
import type { Http } from './request.ts';
import { RequestCounter } from './request-counter.ts';
import type { ResourceType } from './resource.ts';
import { apiServerPoolFor } from './connection-pool.ts';
import { transportFor } from './transport.ts';
import { watch, type WatchEvent, type WatchOptions } from './watch.ts';

export { ApiException, type KubernetesObject } from '@kubernetes/client-node';
export * from './resource.ts';
export { fieldManager, type ListOptions, type ListResult, type ObjectKey } from './objects.ts';
export { isConflict, isGone, isNotFound, statusCodeOf, summarizeError } from './api-error.ts';
export { RequestCounter, type RequestMethod } from './request-counter.ts';
export type { WatchEvent, WatchEventType, WatchOptions } from './watch.ts';

/** Label that marks the operator's children; child informers select on it. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedBySelector = `${managedByLabel}=${fieldManager}`;

export interface KubeClientOptions {
  /** Deadline of one API request. Default: 30,000 ms. */
  requestTimeoutMs?: number;
  /** Where `rest_client_requests_total` is registered; none when omitted. */
  registry?: Registry;
  clock?: Clock;
}

export interface KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly configuration: Configuration;
  readonly requests: RequestCounter;
  /** A typed client-node API on the shared transport, e.g. `api(CoordinationV1Api)`. */
  api<T>(apiClass: new (configuration: Configuration) => T): T;
  /** The object, or undefined when it does not exist. */
  get<T extends KubernetesObject>(resource: ResourceType, key: ObjectKey): Promise<T | undefined>;
  /** Every matching object (all pages) and the list's resourceVersion. */
  list<T extends KubernetesObject>(
    resource: ResourceType,
    options?: ListOptions,
  ): Promise<ListResult<T>>;
  /** Server-side apply of a freshly built intent, field manager `syncflow-operator`, force. */
  apply<T extends KubernetesObject>(resource: ResourceType, intent: T): Promise<T>;
  /** JSON merge patch of `{ status }` through the status subresource. */
  patchStatus<T extends KubernetesObject>(
    resource: ResourceType,
    key: ObjectKey,
    status: unknown,
  ): Promise<T>;
  create<T extends KubernetesObject>(resource: ResourceType, object: T): Promise<T>;
  /** Deletes in the background; false when the object was already gone. */
  delete(resource: ResourceType, key: ObjectKey): Promise<boolean>;
  watch<T extends KubernetesObject>(
    resource: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<void>;
}

export function createKubeClient(
  kubeConfig: KubeConfig,
  options: KubeClientOptions = {},
): KubeClient {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const requests = new RequestCounter(options.registry);
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    httpApi: transportFor({
      counter: requests,
      pool: () => apiServerPoolFor(kubeConfig),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    }),
  });
  const http: Http = { kubeConfig, configuration, userAgent: fieldManager };
  return {
    kubeConfig,
    configuration,
    requests,
    api: (apiClass) => new apiClass(configuration),
    get: (resource, key) => getObject(http, resource, key),
    list: (resource, listOptions) => listObjects(http, resource, listOptions),
    apply: (resource, intent) => applyObject(http, resource, intent),
    patchStatus: (resource, key, status) => patchStatus(http, resource, key, status),
    create: (resource, object) => createObject(http, resource, object),
    delete: (resource, key) => deleteObject(http, resource, key),
    watch: (resource, watchOptions, onEvent) => watch(http, resource, watchOptions, onEvent),
  };
}
export { EventRecorder, type EventRecorderOptions, type EventSpec } from './events.ts';
