// Files copied or derived from a single source, so that they never drift: the chart's copy of
// the CRDs (files/crds/ = crds/*.yaml byte for byte). `npm run gen` writes them (write-generated-files.ts);
// generated-files.test.ts fails when a committed copy is stale.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../env/paths.ts';

export const chartCrdsDir = join('charts', 'syncflow-operator', 'files', 'crds');

function chartCrdCopies(): Record<string, string> {
  const crds = readdirSync(join(repoRoot, 'crds')).filter((name) => name.endsWith('.yaml'));
  return Object.fromEntries(
    crds.map((name) => [
      join(chartCrdsDir, name),
      readFileSync(join(repoRoot, 'crds', name), 'utf8'),
    ]),
  );
}

/** Path (relative to the repository root) → the content it must have. */
export function generatedFiles(): Record<string, string> {
  return chartCrdCopies();
}
