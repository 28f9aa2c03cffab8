// The example's flows by name, read from examples/acme-distributor/.
import { exampleFlowFiles, exampleObjects } from './cluster.ts';
import type { Manifest } from './overlay.ts';

export function exampleFlows(): Manifest[] {
  return exampleFlowFiles.flatMap((file) => exampleObjects(file));
}

export function exampleFlowNames(): string[] {
  return exampleFlows().map((f) => f.metadata?.name ?? '');
}
