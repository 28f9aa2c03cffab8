// The chart carries the CRDs of crds/ exactly (the upgrade path only works if they are the
// same), and the argocd-cm snippet embeds the health checks that the Lua tests run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../env/paths.ts';
import { chartCrdsDir, generatedFiles } from './generated-files.ts';

describe('generated files', () => {
  it.each(Object.entries(generatedFiles()))('%s is as `npm run gen` writes it', (path, text) => {
    expect(readFileSync(join(repoRoot, path), 'utf8'), `${path} is stale: run npm run gen`).toBe(
      text,
    );
  });

  it('the chart holds a copy of every CRD of crds/ and nothing else', () => {
    const yaml = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir))
        .filter((name) => name.endsWith('.yaml'))
        .sort();
    expect(yaml(chartCrdsDir)).toEqual(yaml('crds'));
    expect(yaml(chartCrdsDir)).toEqual([
      'syncconnection.yaml',
      'syncflow.yaml',
      'syncflowreplay.yaml',
    ]);
  });
});
