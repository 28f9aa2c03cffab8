// The GitOps examples: one Argo CD Application per client environment, each pointing at a
// folder of SyncFlows in this repository, and the operator's Application, whose values the
// chart accepts.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readManifests, type Manifest } from '../api/manifests.ts';
import { repoRoot } from '../env/paths.ts';
import { copyChart, renderChart } from './chart.ts';
import { ensureChartTools } from './tools.ts';

interface ApplicationSpec {
  source: {
    path: string;
    directory?: { recurse: boolean; exclude?: string };
    helm?: { valuesObject: Record<string, unknown> };
  };
  destination: { namespace: string };
  syncPolicy: { syncOptions: string[] };
}
type Application = Manifest & { spec: ApplicationSpec };

const applications = readManifests(join(repoRoot, 'examples', 'gitops'))
  .flatMap((f) => f.objects)
  .filter((o): o is Application => o.kind === 'Application');
const environments = applications.filter((a) => a.spec.source.directory);

describe('the GitOps examples', () => {
  it('hold an Application per client environment and one for the operator', () => {
    expect(applications.every((a) => a.apiVersion === 'argoproj.io/v1alpha1')).toBe(true);
    expect(environments.map((a) => a.metadata.name).sort()).toEqual([
      'acme-dev',
      'acme-prod',
      'acme-staging',
    ]);
    const namespaces = environments.map((a) => a.spec.destination.namespace);
    expect(new Set(namespaces).size).toBe(3);
    expect(applications.map((a) => a.spec.source.path)).toContain('charts/syncflow-operator');
  });

  it.each(environments.map((a) => [a.metadata.name, a] as const))(
    '%s syncs a folder of SyncFlows, without its replays or Secrets',
    (_name, app) => {
      const folder = join(repoRoot, app.spec.source.path);
      const objects = readManifests(folder).flatMap((f) => f.objects);
      expect(objects.filter((o) => o.kind === 'SyncFlow').length).toBeGreaterThan(0);
      expect(app.spec.source.directory?.recurse).toBe(false);
      const excluded = app.spec.source.directory?.exclude ?? '';
      expect(existsSync(join(folder, excluded))).toBe(true);
      const kept = readManifests(folder).filter((f) => !f.file.endsWith(`/${excluded}`));
      expect(kept.flatMap((f) => f.objects).map((o) => o.kind)).not.toContain('Secret');
      expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    },
  );

  it("the operator Application's values render with the chart", async () => {
    const app = applications.find((a) => a.spec.source.path === 'charts/syncflow-operator');
    const { helm } = await ensureChartTools();
    const chart = copyChart();
    const dir = mkdtempSync(join(tmpdir(), 'syncflow-gitops-'));
    try {
      const values = join(dir, 'values.yaml');
      writeFileSync(values, stringify(app?.spec.source.helm?.valuesObject ?? {}));
      const objects = await renderChart(helm, chart.dir, {
        namespace: app?.spec.destination.namespace ?? '',
        values: [values],
      });
      expect(objects.map((o) => o.kind)).toEqual(
        expect.arrayContaining(['CustomResourceDefinition', 'Deployment', 'PrometheusRule']),
      );
    } finally {
      chart.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
