// The upgrade path, on a control plane of its own (the CRDs are cluster-wide): helm install,
// then helm upgrade with a chart whose SyncFlow CRD gained an optional field. The cluster's
// CRD takes the field, the previous release's examples still validate, and helm uninstall
// leaves the CRDs (and so every SyncFlow) in place.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { createDryRun, createNamespace, kubeConfigFrom } from '../api/api-server.ts';
import { readManifests, type Manifest } from '../api/manifests.ts';
import { repoRoot } from '../env/paths.ts';
import { startEnvironment, type Environment } from '../env/start-environment.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/unique-name.ts';
import { copyChart, type ChartCopy } from './chart.ts';
import { ensureChartTools, runCommand, type CommandResult } from './tools.ts';

const previousRelease = join(repoRoot, 'test', 'api', 'previous-release', 'acme-distributor');
const release = 'syncflow';
const releaseNamespace = 'syncflow-system';

let env: Environment;
let kc: KubeConfig;
let helm: string;
let chart: ChartCopy;

function runHelm(args: string[]): Promise<CommandResult> {
  return runCommand(helm, [...args, '--kubeconfig', env.kubeconfig ?? '']);
}

async function syncFlowCrd(): Promise<V1CustomResourceDefinition> {
  return kc
    .makeApiClient(ApiextensionsV1Api)
    .readCustomResourceDefinition({ name: 'syncflows.syncflow.io' });
}

function specPropertiesOf(crd: V1CustomResourceDefinition): Record<string, unknown> {
  return crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.['spec']?.properties ?? {};
}

/** The chart's next release: the SyncFlow CRD gains an optional spec.notes. */
function addOptionalFieldToChart(dir: string): void {
  const file = join(dir, 'files', 'crds', 'syncflow.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(
    [
      'spec',
      'versions',
      0,
      'schema',
      'openAPIV3Schema',
      'properties',
      'spec',
      'properties',
      'notes',
    ],
    {
      type: 'string',
      maxLength: 1024,
      description: 'Free text for the people who run the flow.',
    },
  );
  writeFileSync(file, doc.toString());
  const chartYaml = join(dir, 'Chart.yaml');
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 0.2.0'),
  );
}

function flowWithNotes(): Manifest {
  const [flow] = readManifests(previousRelease)
    .flatMap((f) => f.objects)
    .filter((o) => o.kind === 'SyncFlow');
  if (!flow) throw new Error('no SyncFlow among the previous release examples');
  return { ...flow, spec: { ...(flow.spec as object), notes: 'owned by the integrations team' } };
}

beforeAll(async () => {
  ({ helm } = await ensureChartTools());
  env = await startEnvironment({ kube: true });
  kc = kubeConfigFrom(env.kubeconfig ?? '');
  chart = copyChart();
});

afterAll(async () => {
  chart?.remove();
  await env?.stop();
});

describe('upgrading the chart', () => {
  let flowsNamespace: string;

  it('helm install creates the CRDs, owned by the release and kept on uninstall', async () => {
    const installed = await runHelm([
      'install',
      release,
      chart.dir,
      '--namespace',
      releaseNamespace,
      '--create-namespace',
    ]);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    const crd = await syncFlowCrd();
    expect(crd.metadata?.annotations).toMatchObject({
      'meta.helm.sh/release-name': release,
      'helm.sh/resource-policy': 'keep',
    });
    expect(specPropertiesOf(crd)).not.toHaveProperty('notes');
    flowsNamespace = uniqueName('flows');
    await createNamespace(kc, flowsNamespace);
    await expect(createDryRun(kc, flowsNamespace, flowWithNotes())).rejects.toThrow(
      /strict decoding error: unknown field .*spec\.notes/,
    );
  });

  it('helm upgrade with a new optional CRD field updates the CRD in the cluster', async () => {
    addOptionalFieldToChart(chart.dir);
    const upgraded = await runHelm([
      'upgrade',
      release,
      chart.dir,
      '--namespace',
      releaseNamespace,
    ]);
    expect(upgraded.stderr).toBe('');
    expect(upgraded.code).toBe(0);
    expect(specPropertiesOf(await syncFlowCrd())).toHaveProperty('notes');
    await eventually(() => createDryRun(kc, flowsNamespace, flowWithNotes()), {
      timeoutMs: 30_000,
    });
  });

  it.each(
    [...readManifests(previousRelease), ...readManifests(join(previousRelease, 'replay'))]
      .flatMap((file) => file.objects)
      .map((o) => [`${o.kind} ${o.metadata.name}`, o] as const),
  )('the previous release example %s still validates', async (_label, object) => {
    await expect(createDryRun(kc, flowsNamespace, object)).resolves.toMatchObject({
      metadata: { name: object.metadata.name },
    });
  });

  it('helm uninstall keeps the CRDs', async () => {
    const removed = await runHelm(['uninstall', release, '--namespace', releaseNamespace]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/kept due to the resource policy/);
    expect(specPropertiesOf(await syncFlowCrd())).toHaveProperty('notes');
  });
});
