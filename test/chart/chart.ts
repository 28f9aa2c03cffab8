// The chart as the tests use it: a copy in a temporary folder (so a test may change it), helm
// template/install/upgrade around it, and the rendered objects. While the operator's RBAC files
// (files/rbac/, written on the operator's branch) have not landed, the copy gets the stand-ins
// of fixtures/placeholder-rbac/ — only the copy, never the chart itself.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../env/paths.ts';
import type { Manifest } from '../api/manifests.ts';
import { runCommand, type CommandResult } from './tools.ts';

export const chartDir = join(repoRoot, 'charts', 'syncflow-operator');
const placeholderRbac = join(repoRoot, 'test', 'chart', 'fixtures', 'placeholder-rbac');

export function hasRbacFiles(chart: string): boolean {
  const folder = join(chart, 'files', 'rbac');
  return existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.yaml'));
}

export interface ChartCopy {
  dir: string;
  remove(): void;
}

/** Copies the chart into a temporary folder, with stand-in RBAC files if it has none yet. */
export function copyChart(): ChartCopy {
  const root = mkdtempSync(join(tmpdir(), 'syncflow-chart-'));
  const dir = join(root, 'syncflow-operator');
  cpSync(chartDir, dir, { recursive: true });
  if (!hasRbacFiles(dir)) {
    cpSync(placeholderRbac, join(dir, 'files', 'rbac'), {
      recursive: true,
      filter: (source) => !source.endsWith('.md'),
    });
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RenderOptions {
  release?: string;
  namespace: string;
  /** `--set` pairs, e.g. `{ 'rbac.scope': 'namespace' }`. */
  set?: Readonly<Record<string, string>>;
  /** Values files. */
  values?: readonly string[];
  showOnly?: readonly string[];
}

export function helmArgs(options: RenderOptions): string[] {
  const args = ['--namespace', options.namespace];
  for (const file of options.values ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${value}`);
  for (const template of options.showOnly ?? []) args.push('--show-only', template);
  return args;
}

/** `helm template`; a failure is returned, so tests can read helm's message. */
export async function helmTemplate(
  helm: string,
  chart: string,
  options: RenderOptions,
): Promise<CommandResult> {
  return runCommand(helm, ['template', options.release ?? 'syncflow', chart, ...helmArgs(options)]);
}

/** The objects of a multi-document YAML stream, empty documents dropped. */
export function objectsOf(yamlText: string): Manifest[] {
  return parseAllDocuments(yamlText)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((o): o is Manifest => o !== null);
}

/** Renders the chart and returns its objects; throws with helm's message on failure. */
export async function renderChart(
  helm: string,
  chart: string,
  options: RenderOptions,
): Promise<Manifest[]> {
  const result = await helmTemplate(helm, chart, options);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return objectsOf(result.stdout);
}
