// A minted ServiceAccount token authenticates as that account and gets only its RBAC.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { kubeconfigForServiceAccount } from './service-account.ts';

describe('ServiceAccount tokens', () => {
  const admin = new KubeConfig();
  admin.loadFromFile(sharedEnvironment().kubeconfig);
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = uniqueName();

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace });
  });

  it('authenticates as the account and is limited to its RBAC', async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'reader' } },
    });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'read-configmaps' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }],
      },
    });
    const path = join(mkdtempSync(join(tmpdir(), 'sf-sa-')), 'kubeconfig');
    await kubeconfigForServiceAccount(
      sharedEnvironment().kubeconfig,
      { namespace, name: 'reader' },
      path,
    );
    const kc = new KubeConfig();
    kc.loadFromFile(path);

    const review = await kc
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${namespace}:reader`);
    const asReader = kc.makeApiClient(CoreV1Api);
    await expect(asReader.listNamespacedConfigMap({ namespace })).resolves.toBeDefined();
    const denied = await asReader.listNamespacedSecret({ namespace }).catch((err: unknown) => err);
    expect(denied).toBeInstanceOf(ApiException);
    expect((denied as ApiException<unknown>).code).toBe(403);
  });
});
