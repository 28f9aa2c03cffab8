// The examples a user copies: every object passes a server-side dry run against the current
// CRDs and the semantic validator, the README's plan table is what the pattern choice says,
// and the previous release's examples still validate (the upgrade promise).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { format } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConnectionSpecSchema, type SyncConnectionSpec } from '../../crds/connection.ts';
import { syncFlowReplaySpecSchema } from '../../crds/replay.ts';
import { syncFlowSpecSchema, type SyncFlowSpec } from '../../crds/syncflow.ts';
import { validateFlow } from '../../crds/validate.ts';
import { choosePattern, patternInputFor, type PatternChoice } from '../../operator/plan/pattern.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  createDryRun,
  createNamespace,
  deleteNamespace,
  installCrds,
  kubeConfigFrom,
  repositoryRoot,
} from './api-server.ts';
import { readManifests, type Manifest } from './manifests.ts';

const examples = join(repositoryRoot, 'examples', 'acme-distributor');
const previousRelease = join(repositoryRoot, 'test', 'api', 'previous-release', 'acme-distributor');

function objectsIn(directory: string): Manifest[] {
  return [...readManifests(directory), ...readManifests(join(directory, 'replay'))].flatMap(
    (file) => file.objects,
  );
}

function connectionsIn(objects: Manifest[]): Record<string, SyncConnectionSpec> {
  const connections = objects.filter((o) => o.kind === 'SyncConnection');
  return Object.fromEntries(
    connections.map((o) => [o.metadata.name, syncConnectionSpecSchema.parse(o.spec)]),
  );
}

function flowsIn(objects: Manifest[]): [string, SyncFlowSpec][] {
  return objects
    .filter((o) => o.kind === 'SyncFlow')
    .map((o) => [o.metadata.name, syncFlowSpecSchema.parse(o.spec)]);
}

function scheduleCell(choice: PatternChoice): string {
  if (choice.stalled) return '';
  if (choice.pollIntervalSeconds !== undefined) return `every ${choice.pollIntervalSeconds}s`;
  if (choice.sweep) return `sweep \`${choice.sweep.schedule}\``;
  return `\`${choice.schedule ?? ''}\``;
}

async function planTable(flows: [string, SyncFlowSpec][]): Promise<string> {
  const rows = flows.map(([name, spec]) => {
    const choice = choosePattern(patternInputFor(spec));
    const pattern = choice.stalled ? 'Stalled' : `${choice.pattern} (${choice.workloadKind})`;
    return `| ${name} | ${spec.flow}/${spec.entity} | ${spec.maxLag} | ${pattern} | ${scheduleCell(choice)} | ${choice.reason} |`;
  });
  const table = [
    '| SyncFlow | flow/entity | maxLag | pattern | schedule | reason |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  return (await format(table, { parser: 'markdown' })).trim();
}

describe.each([
  ['the examples', examples],
  ['the previous release examples', previousRelease],
])('%s', (_name, directory) => {
  let kc: KubeConfig;
  let namespace: string;
  const objects = objectsIn(directory);

  beforeAll(async () => {
    kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
    await installCrds(kc);
    namespace = uniqueName('examples');
    await createNamespace(kc, namespace);
  });

  afterAll(async () => {
    await deleteNamespace(kc, namespace);
  });

  it('hold the connections, the ten flows of the latency table and a replay', () => {
    const kinds = objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'SyncFlow')).toHaveLength(10);
    expect(kinds.filter((k) => k === 'SyncFlowReplay')).toHaveLength(1);
    expect(
      Object.values(connectionsIn(objects))
        .map((c) => c.type)
        .sort(),
    ).toEqual(['commerce', 'kafka', 'odata-v2', 'redis', 'rest', 'suiteql']);
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s passes a server-side dry run',
    async (_label, object) => {
      await expect(createDryRun(kc, namespace, object)).resolves.toMatchObject({
        metadata: { name: object.metadata.name },
      });
    },
  );

  it('passes the semantic validator, flow by flow', () => {
    const connections = connectionsIn(objects);
    const problems = flowsIn(objects).flatMap(([name, spec]) =>
      validateFlow(spec, connections).map((p) => `${name}: ${p.message}`),
    );
    expect(problems).toEqual([]);
    for (const replay of objects.filter((o) => o.kind === 'SyncFlowReplay')) {
      expect(syncFlowReplaySpecSchema.safeParse(replay.spec).success).toBe(true);
    }
  });
});

describe('the examples README', () => {
  it('shows the plan the pattern choice makes for each flow', async () => {
    const readme = readFileSync(join(examples, 'README.md'), 'utf8');
    const section = /<!-- plan:begin -->\n([\s\S]*?)\n<!-- plan:end -->/.exec(readme)?.[1]?.trim();
    expect(
      section,
      'examples/acme-distributor/README.md: paste the expected table between the plan markers',
    ).toBe(await planTable(flowsIn(objectsIn(examples))));
  });

  it('covers event, continuous poll, poll and batch, with no flow stalled', () => {
    const choices = flowsIn(objectsIn(examples)).map(([, spec]) =>
      choosePattern(patternInputFor(spec)),
    );
    expect(choices.filter((c) => c.stalled)).toEqual([]);
    const kinds = new Set(choices.map((c) => (c.stalled ? 'stalled' : `${c.pattern}/${c.mode}`)));
    expect([...kinds].sort()).toEqual([
      'batch/batch',
      'batch/poll',
      'event/consume',
      'event/poll',
      'poll/poll',
    ]);
  });
});
