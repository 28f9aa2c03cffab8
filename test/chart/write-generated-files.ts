// `npm run gen`, after crds/generate.ts: writes the chart's CRD copies and the argocd-cm snippet.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../env/paths.ts';
import { chartCrdsDir, generatedFiles } from './generated-files.ts';

const files = generatedFiles();
mkdirSync(join(repoRoot, chartCrdsDir), { recursive: true });
for (const stale of readdirSync(join(repoRoot, chartCrdsDir))) {
  if (!(join(chartCrdsDir, stale) in files)) rmSync(join(repoRoot, chartCrdsDir, stale));
}
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
  writeFileSync(join(repoRoot, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
