// The corpus of invalid objects under test/api/invalid/: each file says in its header who must
// reject it (`# judge: server` or `semantic`) and what the message must contain (`# expect:`).
// The server judges with a dry run and strict field validation, as `kubectl apply` does; what it
// cannot judge, it must accept, and the semantic validator must reject.
import { join } from 'node:path';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConnectionSpecSchema, type SyncConnectionSpec } from '../../crds/connection.ts';
import { syncFlowReplaySpecSchema } from '../../crds/replay.ts';
import { syncFlowSpecSchema } from '../../crds/syncflow.ts';
import { validateFlow } from '../../crds/validate.ts';
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
import { readManifestFile, readManifests, type ManifestFile } from './manifests.ts';

const corpus = readManifests(join(import.meta.dirname, 'invalid'));
const exampleConnections = readManifestFile(
  join(repositoryRoot, 'examples', 'acme-distributor', 'connections.yaml'),
).objects;
const connections: Record<string, SyncConnectionSpec> = Object.fromEntries(
  exampleConnections.map((o) => [o.metadata.name, syncConnectionSpecSchema.parse(o.spec)]),
);

function headerValues(file: ManifestFile, key: string): string[] {
  return file.header
    .filter((line) => line.startsWith(`${key}: `))
    .map((line) => line.slice(key.length + 2));
}

function caseOf(file: ManifestFile): {
  name: string;
  judge: string;
  expects: string[];
  file: ManifestFile;
} {
  const name = file.file.split('/').at(-1) ?? file.file;
  return {
    name,
    judge: headerValues(file, 'judge')[0] ?? 'server',
    expects: headerValues(file, 'expect'),
    file,
  };
}

async function serverMessage(
  kc: KubeConfig,
  namespace: string,
  file: ManifestFile,
): Promise<string | undefined> {
  const [object] = file.objects;
  if (!object) throw new Error(`${file.file} holds no object`);
  try {
    await createDryRun(kc, namespace, object);
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    expect([400, 422]).toContain(err.code);
    // The Status message lists every cause, each with its field path.
    return (JSON.parse(String(err.body)) as { message: string }).message;
  }
}

describe('the invalid-object corpus', () => {
  let kc: KubeConfig;
  let namespace: string;
  const cases = corpus.map(caseOf);

  beforeAll(async () => {
    kc = kubeConfigFrom(sharedEnvironment().kubeconfig);
    await installCrds(kc);
    namespace = uniqueName('invalid');
    await createNamespace(kc, namespace);
  });

  afterAll(async () => {
    await deleteNamespace(kc, namespace);
  });

  it('holds at least 25 objects, each with an expected message', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const c of cases) {
      expect(c.expects.length, `${c.name} says what the message must contain`).toBeGreaterThan(0);
      expect(['server', 'semantic'], `${c.name} names its judge`).toContain(c.judge);
    }
  });

  it.each(cases.filter((c) => c.judge === 'server').map((c) => [c.name, c] as const))(
    'the apiserver rejects %s, naming the field',
    async (_name, c) => {
      const message = await serverMessage(kc, namespace, c.file);
      expect(message, 'the server accepted it').toBeDefined();
      for (const expected of c.expects) expect(message).toContain(expected);
    },
  );

  it.each(cases.filter((c) => c.judge === 'semantic').map((c) => [c.name, c] as const))(
    'the apiserver accepts %s, and the semantic validator rejects it, naming the field',
    async (_name, c) => {
      expect(
        await serverMessage(kc, namespace, c.file),
        'the server judged it already',
      ).toBeUndefined();
      const [object] = c.file.objects;
      const spec = syncFlowSpecSchema.parse(object?.spec);
      const messages = validateFlow(spec, connections).map((p) => p.message);
      for (const expected of c.expects) expect(messages.join('\n')).toContain(expected);
    },
  );

  // Unknown fields are the server's to refuse (strict field validation); zod strips them.
  const judgedByRules = cases.filter(
    (c) =>
      c.judge === 'server' &&
      !c.expects.some((e) => e.startsWith('unknown field')) &&
      c.name !== 'flow-name-too-long.yaml',
  );

  it.each(judgedByRules.map((c) => [c.name, c] as const))(
    'the zod schema rejects %s too, so the operator and runtime judge like the server',
    (_name, c) => {
      const [object] = c.file.objects;
      const schemas = {
        SyncFlow: syncFlowSpecSchema,
        SyncConnection: syncConnectionSpecSchema,
        SyncFlowReplay: syncFlowReplaySpecSchema,
      };
      const schema = schemas[object?.kind as keyof typeof schemas];
      expect(schema.safeParse(object?.spec).success).toBe(false);
    },
  );
});
