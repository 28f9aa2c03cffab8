// `npm test` runs this first: every prerequisite of the local environment is checked (one
// clear line per missing tool) and the components are built or fetched into the cache, so the
// test run itself starts in seconds.
import { ensureChartTools } from '../chart/tools.ts';
import { ensureArtifacts } from './artifacts.ts';
import { EnvironmentError } from './errors.ts';
import { prerequisites, requirePrerequisite } from './prerequisites.ts';

const log = (line: string): void => void process.stderr.write(`[env] ${line}\n`);
const started = Date.now();
try {
  for (const p of [
    prerequisites.setpriv,
    prerequisites.openssl,
    prerequisites.java,
    prerequisites.redis,
  ]) {
    await requirePrerequisite(p);
  }
  await ensureArtifacts({ kube: true, kafka: true }, log);
  // helm (built from its Go module, minutes on first run) and hadolint for test/chart/.
  await ensureChartTools();
  log(`components ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  if (!(err instanceof EnvironmentError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
