// The helper that runs the operator with the chart's RBAC: a token of the chart's
// ServiceAccount can do the operator's work where the scope says, and nothing outside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNamespace,
  deleteNamespace,
  installCrds,
  kubeConfigFrom,
} from '../api/api-server.ts';
import { kubeconfigForServiceAccount } from '../env/service-account.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import { applyChartRbac, type ChartRbac } from './operator-rbac.ts';
import { runCommand } from './tools.ts';

let operatorNamespace: string;
let otherNamespace: string;
let dir: string;

beforeAll(async () => {
  const { kubeconfig } = sharedEnvironment();
  const kc = kubeConfigFrom(kubeconfig);
  await installCrds(kc);
  operatorNamespace = uniqueName('operator');
  otherNamespace = uniqueName('other');
  await createNamespace(kc, operatorNamespace);
  await createNamespace(kc, otherNamespace);
  dir = mkdtempSync(join(tmpdir(), 'syncflow-rbac-'));
});

afterAll(async () => {
  const kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
  await deleteNamespace(kc, operatorNamespace);
  await deleteNamespace(kc, otherNamespace);
  rmSync(dir, { recursive: true, force: true });
});

const kubeconfigs = new Map<ChartRbac, string>();

/** `kubectl auth can-i` as the ServiceAccount (token minted once): true for yes. */
async function canI(rbac: ChartRbac, verb: string, resource: string, ns: string): Promise<boolean> {
  const { kubeconfig, kubectl } = sharedEnvironment();
  let path = kubeconfigs.get(rbac);
  if (!path) {
    path = join(dir, `${rbac.serviceAccount.name}.kubeconfig`);
    await kubeconfigForServiceAccount(kubeconfig, rbac.serviceAccount, path);
    kubeconfigs.set(rbac, path);
  }
  const [name = '', subresource] = resource.split('/');
  const result = await runCommand(kubectl, [
    ...['--kubeconfig', path, 'auth', 'can-i', verb, name, '--namespace', ns],
    ...(subresource ? [`--subresource=${subresource}`] : []),
  ]);
  if (result.code !== 0 && result.stdout.trim() !== 'no') throw new Error(result.stderr);
  return result.stdout.trim() === 'yes';
}

describe('the operator with the RBAC the chart renders', () => {
  it('namespace scope: watches and writes flows in its namespace only', async () => {
    const { kubeconfig, kubectl } = sharedEnvironment();
    const rbac = await applyChartRbac({
      kubeconfig,
      kubectl,
      namespace: operatorNamespace,
      scope: 'namespace',
    });
    try {
      expect(rbac.operatorArgs).toContain(`--namespace=${operatorNamespace}`);
      expect(await canI(rbac, 'watch', 'syncflows.syncflow.io', operatorNamespace)).toBe(true);
      expect(await canI(rbac, 'patch', 'syncflows.syncflow.io/status', operatorNamespace)).toBe(
        true,
      );
      expect(await canI(rbac, 'create', 'deployments.apps', operatorNamespace)).toBe(true);
      expect(await canI(rbac, 'update', 'leases.coordination.k8s.io', operatorNamespace)).toBe(
        true,
      );
      expect(await canI(rbac, 'list', 'syncflows.syncflow.io', otherNamespace)).toBe(false);
      expect(await canI(rbac, 'create', 'deployments.apps', otherNamespace)).toBe(false);
      // Connection credentials for lag: one Secret by name, never the whole namespace's.
      expect(await canI(rbac, 'get', 'secrets', operatorNamespace)).toBe(true);
      expect(await canI(rbac, 'list', 'secrets', operatorNamespace)).toBe(false);
      expect(await canI(rbac, 'watch', 'secrets', operatorNamespace)).toBe(false);
      expect(await canI(rbac, 'get', 'secrets', otherNamespace)).toBe(false);
    } finally {
      await rbac.remove();
    }
  });

  it('cluster scope: watches flows in every namespace, can get but not list/watch Secrets', async () => {
    const { kubeconfig, kubectl } = sharedEnvironment();
    const rbac = await applyChartRbac({
      kubeconfig,
      kubectl,
      namespace: operatorNamespace,
      scope: 'cluster',
    });
    try {
      expect(rbac.operatorArgs.some((a) => a.startsWith('--namespace'))).toBe(false);
      expect(await canI(rbac, 'watch', 'syncflows.syncflow.io', otherNamespace)).toBe(true);
      expect(await canI(rbac, 'create', 'cronjobs.batch', otherNamespace)).toBe(true);
      expect(await canI(rbac, 'get', 'secrets', otherNamespace)).toBe(true);
      expect(await canI(rbac, 'list', 'secrets', otherNamespace)).toBe(false);
      expect(await canI(rbac, 'watch', 'secrets', otherNamespace)).toBe(false);
    } finally {
      await rbac.remove();
    }
    const clusterRole = rbac.objects.find((o) => o.kind === 'ClusterRole');
    const { kubeconfig: admin, kubectl: k } = sharedEnvironment();
    const left = await runCommand(k, [
      ...['--kubeconfig', admin, 'get', `clusterrole/${clusterRole?.metadata.name ?? ''}`],
    ]);
    expect(left.stderr).toMatch(/NotFound/);
  });
});
