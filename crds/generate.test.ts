import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crdFiles, customResourceDefinitions } from './custom-resource-definitions.ts';

const directory = dirname(fileURLToPath(import.meta.url));

interface Node {
  type?: string;
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node;
  [key: string]: unknown;
}

function* nodesOf(node: Node, path: string): Generator<[string, Node]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {}))
    yield* nodesOf(child, `${path}.${name}`);
  if (node.items) yield* nodesOf(node.items, `${path}[]`);
  if (node.additionalProperties) yield* nodesOf(node.additionalProperties, `${path}.*`);
}

function schemaOf(crd: Record<string, unknown>): Node {
  const spec = crd.spec as { versions: { schema: { openAPIV3Schema: Node } }[] };
  const [first] = spec.versions;
  if (!first) throw new Error('no version');
  return first.schema.openAPIV3Schema;
}

describe('generated CRDs', () => {
  it('are committed exactly as `npm run gen` writes them', () => {
    const files = crdFiles();
    const committed = readdirSync(directory)
      .filter((name) => name.endsWith('.yaml'))
      .sort();
    expect(committed, 'run `npm run gen`').toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) {
      expect(
        readFileSync(join(directory, name), 'utf8'),
        `crds/${name} is stale: run npm run gen`,
      ).toBe(text);
    }
  });

  it.each(
    customResourceDefinitions().map(
      (crd) => [(crd.metadata as { name: string }).name, crd] as const,
    ),
  )('%s is structural: a type on every node and nothing JSON Schema-only', (_name, crd) => {
    for (const [path, node] of nodesOf(schemaOf(crd), '')) {
      const typeless = node['x-kubernetes-int-or-string'] === true;
      expect(typeless || typeof node.type === 'string', `${path} has a type`).toBe(true);
      for (const key of [
        '$schema',
        '$ref',
        '$defs',
        'propertyNames',
        'const',
        'anyOf',
        'oneOf',
        'allOf',
      ]) {
        expect(node, `${path} has no ${key}`).not.toHaveProperty([key]);
      }
      expect(node.additionalProperties, `${path} additionalProperties`).not.toBe(false);
    }
  });

  it.each(
    customResourceDefinitions().map(
      (crd) => [(crd.metadata as { name: string }).name, crd] as const,
    ),
  )('%s describes every field of spec and status', (_name, crd) => {
    const root = schemaOf(crd);
    for (const part of ['spec', 'status']) {
      const top = root.properties?.[part];
      if (!top) throw new Error(`no ${part}`);
      for (const [path, node] of nodesOf(top, part)) {
        if (path.endsWith('[]') || path.endsWith('.*')) continue;
        expect(node.description, `${path} has a description`).toMatch(/\w/);
      }
    }
  });
});
