// Runs the operator in tests with exactly the RBAC the chart renders: applies the chart's
// ServiceAccount and RBAC objects (nothing else) to the test apiserver and mints a kubeconfig
// for that ServiceAccount. Usage:
//   const rbac = await applyChartRbac({ kubeconfig, kubectl, namespace, scope: 'namespace' });
//   const path = await kubeconfigForServiceAccount(kubeconfig, rbac.serviceAccount, file);
//   ... run the operator with KUBECONFIG=path ...; await rbac.remove();
import type { Manifest } from '../api/manifests.ts';
import type { ServiceAccountRef } from '../env/service-account.ts';
import { uniqueName } from '../support/unique-name.ts';
import { copyChart, renderChart } from './chart.ts';
import { applyYaml } from './cluster.ts';
import { ensureChartTools, runCommand } from './tools.ts';

export interface ChartRbacOptions {
  /** Admin kubeconfig and kubectl of the environment. */
  kubeconfig: string;
  kubectl: string;
  /** Namespace of the operator's ServiceAccount and of its leader-election Lease. */
  namespace: string;
  /** `namespace`: a Role in `watchNamespace` only; `cluster`: a ClusterRole. */
  scope: 'namespace' | 'cluster';
  /** The namespace the operator watches. Default: all (cluster) or `namespace` (namespace). */
  watchNamespace?: string;
  /** Also create the aggregated syncflow-edit/-view ClusterRoles. Default: false. */
  aggregatedRoles?: boolean;
}

export interface ChartRbac {
  /** The ServiceAccount to run the operator as (pass to kubeconfigForServiceAccount). */
  serviceAccount: ServiceAccountRef;
  /** The flags the chart gives the operator for this scope, e.g. `--namespace=…`. */
  operatorArgs: string[];
  objects: Manifest[];
  /** Deletes what was applied (cluster-wide objects included). */
  remove(): Promise<void>;
}

function setValues(options: ChartRbacOptions): Record<string, string> {
  return {
    'rbac.scope': options.scope,
    'rbac.aggregatedRoles': String(options.aggregatedRoles ?? false),
    ...(options.watchNamespace ? { 'watchNamespaces[0]': options.watchNamespace } : {}),
  };
}

/** Renders the chart's ServiceAccount, RBAC and operator args for `options`. */
export async function renderChartRbac(
  options: ChartRbacOptions,
  release: string,
): Promise<{ objects: Manifest[]; operatorArgs: string[] }> {
  const { helm } = await ensureChartTools();
  const chart = copyChart();
  try {
    const render = (showOnly: string[]): Promise<Manifest[]> =>
      renderChart(helm, chart.dir, {
        release,
        namespace: options.namespace,
        set: setValues(options),
        showOnly,
      });
    const objects = await render(['templates/serviceaccount.yaml', 'templates/rbac.yaml']);
    const [deployment] = await render(['templates/deployment.yaml']);
    const spec = deployment?.spec as { template: { spec: { containers: { args: string[] }[] } } };
    return { objects, operatorArgs: spec.template.spec.containers[0]?.args ?? [] };
  } finally {
    chart.remove();
  }
}

/** Applies the chart's ServiceAccount and RBAC for the operator; see the file comment. */
export async function applyChartRbac(options: ChartRbacOptions): Promise<ChartRbac> {
  const release = uniqueName('sf');
  const { objects, operatorArgs } = await renderChartRbac(options, release);
  const text = objects.map((o) => JSON.stringify(o)).join('\n---\n');
  const k = { kubectl: options.kubectl, kubeconfig: options.kubeconfig };
  const applied = await applyYaml(k, text, { dryRun: false });
  if (applied.code !== 0) throw new Error(`applying the chart's RBAC failed: ${applied.stderr}`);
  const serviceAccount = objects.find((o) => o.kind === 'ServiceAccount');
  if (!serviceAccount) throw new Error('the chart rendered no ServiceAccount');
  return {
    serviceAccount: { namespace: options.namespace, name: serviceAccount.metadata.name },
    operatorArgs,
    objects,
    remove: async () => {
      for (const o of objects) {
        const namespace = o.metadata.namespace ? ['--namespace', o.metadata.namespace] : [];
        await runCommand(options.kubectl, [
          ...['--kubeconfig', options.kubeconfig, 'delete', '--ignore-not-found', ...namespace],
          `${o.kind.toLowerCase()}/${o.metadata.name}`,
        ]);
      }
    },
  };
}
