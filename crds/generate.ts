// `npm run gen`: writes the CRDs generated from the zod schemas to crds/*.yaml. The only file
// of crds/ that does I/O; generate.test.ts fails when the committed files are stale.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFiles } from './custom-resource-definitions.ts';

const directory = dirname(fileURLToPath(import.meta.url));
const files = crdFiles();
for (const stale of readdirSync(directory).filter(
  (name) => name.endsWith('.yaml') && !(name in files),
)) {
  rmSync(join(directory, stale));
}
for (const [name, text] of Object.entries(files)) {
  writeFileSync(join(directory, name), text);
  process.stdout.write(`wrote crds/${name}\n`);
}
