// `npm run demo`: the composition root. Parses the flags, starts the local real components (or
// uses --kubeconfig's cluster), the doubles, the operator and the example flows, drives the
// generator, and shows the live table until --duration ends or SIGINT/SIGTERM; then stops
// everything it started, in order, and exits 0 only if every flow kept its budget.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDemoArgs, usage } from './args.ts';
import { runDemo } from './run.ts';
import { exampleFlowNames } from './flows.ts';

const parsed = parseDemoArgs(process.argv.slice(2), exampleFlowNames());
if ('problems' in parsed) {
  process.stderr.write(`${parsed.problems.join('\n')}\n\n${usage}`);
  process.exit(2);
}
if (parsed.options.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const abort = new AbortController();
let signalled: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (signalled) return; // a second Ctrl-C waits for the clean-up already running
    signalled = signal;
    abort.abort();
  });

const code = await runDemo({
  options: parsed.options,
  signal: abort.signal,
  out: process.stdout,
  isTty: process.stdout.isTTY === true && process.env['CI'] === undefined,
  workDir: mkdtempSync(join(tmpdir(), 'syncflow-demo-')),
  nowMs: () => Date.now(),
});
process.exit(signalled ? (signalled === 'SIGINT' ? 130 : 143) : code);
