// The operations of the thin client, one request shape each; client.ts binds them to a transport.
import {
  PatchStrategy,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import { sendForJson, type Http } from './request.ts';
import { pathFor, type ResourceType } from './resource.ts';

/** The field manager of every server-side apply the operator makes. */
export const fieldManager = 'syncflow-operator';

export interface ObjectKey {
  namespace?: string | undefined;
  name: string;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Objects per page (the `limit` parameter). Default 500, as client-go's pager. */
  pageSize?: number | undefined;
}

export interface ListResult<T> {
  items: T[];
  /** Resource version of the list, to watch from. */
  resourceVersion: string;
}

const defaultPageSize = 500;

const objectPath = (resource: ResourceType, key: ObjectKey): string =>
  pathFor(resource, { namespace: key.namespace, name: key.name });

export async function getObject<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  key: ObjectKey,
): Promise<T | undefined> {
  try {
    return await sendForJson<T>(http, { method: 'GET', path: objectPath(resource, key) });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function listObjects<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  options: ListOptions = {},
): Promise<ListResult<T>> {
  const items: T[] = [];
  let resourceVersion = '';
  let next: string | undefined;
  do {
    // Raw JSON, not client-node's model: the token is `continue`, not `_continue`.
    const page: KubernetesListObject<T> & { metadata?: { continue?: string } } = await sendForJson(
      http,
      {
        method: 'GET',
        path: pathFor(resource, { namespace: options.namespace }),
        query: {
          labelSelector: options.labelSelector,
          limit: options.pageSize ?? defaultPageSize,
          continue: next,
        },
        signal: options.signal,
      },
    );
    items.push(...page.items);
    resourceVersion ||= page.metadata?.resourceVersion ?? '';
    next = page.metadata?.continue || undefined;
  } while (next);
  return { items, resourceVersion };
}

export function applyObject<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  intent: T,
): Promise<T> {
  const key = { namespace: intent.metadata?.namespace, name: intent.metadata?.name ?? '' };
  return sendForJson(http, {
    method: 'PATCH',
    path: objectPath(resource, key),
    // Unknown fields fail an apply whatever this says (the typed patch follows the schema); Warn,
    // the default, parses the body a second time as strict YAML, which finds only duplicate keys a
    // serialized object cannot have: a fifth of an apply's apiserver CPU, for nothing.
    query: { fieldManager, force: true, fieldValidation: 'Ignore' },
    body: intent,
    contentType: PatchStrategy.ServerSideApply,
  });
}

export function patchStatus<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  key: ObjectKey,
  status: unknown,
): Promise<T> {
  return sendForJson(http, {
    method: 'PATCH',
    path: pathFor(resource, { ...key, subresource: 'status' }),
    query: { fieldManager },
    body: { status },
    contentType: PatchStrategy.MergePatch,
  });
}

export function createObject<T extends KubernetesObject>(
  http: Http,
  resource: ResourceType,
  object: T,
): Promise<T> {
  return sendForJson(http, {
    method: 'POST',
    path: pathFor(resource, { namespace: object.metadata?.namespace }),
    query: { fieldManager },
    body: object,
  });
}

export async function deleteObject(
  http: Http,
  resource: ResourceType,
  key: ObjectKey,
): Promise<boolean> {
  try {
    await sendForJson(http, {
      method: 'DELETE',
      path: objectPath(resource, key),
      body: { propagationPolicy: 'Background' },
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
