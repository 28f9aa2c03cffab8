// kubectl against the test apiserver for the chart tests: server-side apply of a rendered
// chart, for real or as a server-side dry run (admission, schemas, CEL, strict fields).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from './tools.ts';

export interface Kubectl {
  kubectl: string;
  kubeconfig: string;
}

/** `kubectl apply --server-side` of a YAML stream; `dryRun` stores nothing. */
export async function applyYaml(
  k: Kubectl,
  yamlText: string,
  options: { dryRun: boolean },
): Promise<CommandResult> {
  const dir = mkdtempSync(join(tmpdir(), 'syncflow-apply-'));
  const file = join(dir, 'objects.yaml');
  writeFileSync(file, yamlText);
  try {
    return await runCommand(k.kubectl, [
      '--kubeconfig',
      k.kubeconfig,
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=syncflow-chart-tests',
      ...(options.dryRun ? ['--dry-run=server'] : []),
      '-f',
      file,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Applies CRDs for real and waits until the apiserver serves them. */
export async function installCrdsFrom(k: Kubectl, file: string): Promise<void> {
  const applied = await runCommand(k.kubectl, [
    '--kubeconfig',
    k.kubeconfig,
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=syncflow-chart-tests',
    '-f',
    file,
  ]);
  if (applied.code !== 0) throw new Error(`kubectl apply ${file}: ${applied.stderr}`);
  const waited = await runCommand(k.kubectl, [
    '--kubeconfig',
    k.kubeconfig,
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    '-f',
    file,
  ]);
  if (waited.code !== 0) throw new Error(`CRDs of ${file} not established: ${waited.stderr}`);
}
