// Proves the local kube-apiserver is real: CRDs install, objects are stored and watched, the
// status subresource works, and the server itself rejects a schema violation.
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  VersionApi,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';

const group = 'smoke.syncflow.io';
const plural = 'widgets';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 1 } },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

describe('kube-apiserver smoke test', () => {
  const kc = new KubeConfig();
  let namespace: string;

  beforeAll(async () => {
    kc.loadFromFile(sharedEnvironment().kubeconfig);
    namespace = uniqueName();
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: crd }).catch((err: unknown) => {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
    });
    await eventually(async () => {
      const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
      const established = got.status?.conditions?.find((c) => c.type === 'Established');
      expect(established?.status).toBe('True');
    });
  });

  afterAll(async () => {
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
  });

  it('serves version v1.34 stamped into the build', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.34\.\d+$/);
  });

  it('creates, watches and patches the status of a custom object', async () => {
    const objects = kc.makeApiClient(CustomObjectsApi);
    const name = uniqueName('w');
    const seen: string[] = [];
    const watch = new Watch(kc);
    // A freshly installed CRD's watch cache answers 429 until it is initialised; retry like an informer.
    const request = await eventually(async () => {
      let failed: unknown;
      const req = await watch.watch(
        `/apis/${group}/v1/namespaces/${namespace}/${plural}`,
        {},
        (type: string, obj: { metadata: { name: string }; status?: { phase?: string } }) => {
          if (obj.metadata.name === name) seen.push(`${type}:${obj.status?.phase ?? ''}`);
        },
        (err: unknown) => {
          failed = err;
        },
      );
      await new Promise((r) => setTimeout(r, 300));
      if (failed) throw failed as Error;
      return req;
    });
    try {
      await objects.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural,
        body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec: { size: 3 } },
      });
      await objects.patchNamespacedCustomObjectStatus(
        { group, version: 'v1', namespace, plural, name, body: { status: { phase: 'Ready' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(() => expect(seen).toEqual(['ADDED:', 'MODIFIED:Ready']));
      const got = (await objects.getNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural,
        name,
      })) as { status: { phase: string }; metadata: { generation: number } };
      expect(got.status.phase).toBe('Ready');
      expect(got.metadata.generation).toBe(1);
    } finally {
      request.abort();
    }
  });

  it('rejects an object that violates the schema, naming the field', async () => {
    const objects = kc.makeApiClient(CustomObjectsApi);
    const error = await objects
      .createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural,
        body: {
          apiVersion: `${group}/v1`,
          kind: 'Widget',
          metadata: { name: 'bad' },
          spec: { size: 0 },
        },
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(ApiException);
    const apiError = error as ApiException<string>;
    expect(apiError.code).toBe(422);
    expect(String(apiError.body)).toContain('spec.size');
  });
});
