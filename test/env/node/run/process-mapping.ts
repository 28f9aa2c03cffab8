// The contract between the project's image and the run mode. The image has WORKDIR /app and the
// compiled JavaScript under /app/dist, and its containers run `node dist/<path>.js <args…>` (or
// `/app/dist/<path>.js`). The local node runs the TypeScript source of the same entry point with
// its own Node: `<repo>/<path>.ts <args…>`. A container without `command` is read as if the
// image's entrypoint were `node`. Node options before the script (`--enable-source-maps`) pass
// through; `$(VAR)` references in command and args are expanded from the container's env.
import { join } from 'node:path';
import { expandVars } from './var-expansion.ts';

export interface ProcessSpec {
  /** Absolute path of the TypeScript entry point in the checkout. */
  script: string;
  nodeOptions: string[];
  args: string[];
}

export type ProcessMapping = { process: ProcessSpec } | { error: string };

export interface MappingInput {
  command?: string[] | undefined;
  args?: string[] | undefined;
  env: Readonly<Record<string, string>>;
  repoRoot: string;
}

const scriptPattern = /^(?:\/app\/|\.\/)?dist\/(.+)\.js$/;
const isNode = (word: string): boolean => word === 'node' || word.endsWith('/node');

export function processFor(input: MappingInput): ProcessMapping {
  const argv = [...(input.command ?? ['node']), ...(input.args ?? [])].map((word) =>
    expandVars(word, input.env),
  );
  const shown = argv.join(' ');
  if (!isNode(argv[0] ?? '')) {
    return { error: `the local node runs only "node dist/<path>.js" commands; got "${shown}"` };
  }
  const scriptAt = argv.findIndex((word, i) => i > 0 && !word.startsWith('-'));
  const match = scriptAt === -1 ? null : scriptPattern.exec(argv[scriptAt] ?? '');
  if (!match?.[1]) {
    return {
      error: `the local node needs a "dist/<path>.js" script after "node"; got "${shown}"`,
    };
  }
  return {
    process: {
      script: join(input.repoRoot, `${match[1]}.ts`),
      nodeOptions: argv.slice(1, scriptAt),
      args: argv.slice(scriptAt + 1),
    },
  };
}
