// The demo's command line, parsed and validated once into frozen options. Pure: argv in,
// options or a list of problems out.
import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** Time compression: an hourly flow runs every 60/speed minutes. Default: 1. */
  speed: number;
  /** Stop after this many seconds and exit 0 only if every flow kept its budget. */
  durationSeconds?: number;
  /** An existing cluster instead of the local control plane. */
  kubeconfig?: string;
  /** Only these flows of the example (names); all ten when absent. */
  flows?: readonly string[];
  /** Keep the local components' folder (the flows' pod logs) after stop. */
  keepLogs: boolean;
  /** SIGKILL one runtime process every this many seconds (the local node restarts it). */
  chaosSeconds?: number;
  help: boolean;
}

export const usage = `Usage: npm run demo -- [options]

Runs examples/acme-distributor/ end to end on local real components: the control plane with a
local node that runs the flows' pods, Kafka, Redis, the operator, and ERP/Commerce doubles.

  --speed N         compress time N times: an hourly flow runs every 60/N minutes and every
                    budget shrinks alike (never below 30 s, nor below its cron period). Default: 1
  --duration S      stop after S seconds; exit 0 only if every flow stayed within its budget
                    and the last convergence check finds no drift
  --kubeconfig PATH run on this cluster instead of starting a local control plane
  --flows A,B       only these flows of the example (by name). Default: all ten
  --chaos           SIGKILL one flow's runtime process every 20 s; the local node restarts it
                    as its pod's restartPolicy says, and the budgets must still hold
  --chaos-every S   the same every S seconds (implies --chaos)
  --keep-logs       keep the local components' folder (each pod's log) after stop
  --help            this text
`;

export const defaultChaosSeconds = 20;

export type ParsedArgs = { options: Readonly<DemoOptions> } | { problems: string[] };

function positiveNumber(
  name: string,
  raw: string | undefined,
  problems: string[],
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    problems.push(`--${name} must be a positive number; got ${raw}`);
    return undefined;
  }
  return value;
}

function flowsOf(
  raw: string | undefined,
  knownFlows: readonly string[],
  problems: string[],
): string[] | undefined {
  const flows = raw?.split(',').map((f) => f.trim());
  for (const flow of flows ?? [])
    if (!knownFlows.includes(flow))
      problems.push(`--flows: no flow named ${flow} (known: ${knownFlows.join(', ')})`);
  return flows;
}

function chaosOf(
  values: Record<string, string | boolean | undefined>,
  kubeconfig: string | undefined,
  problems: string[],
): number | undefined {
  const every = positiveNumber(
    'chaos-every',
    values['chaos-every'] as string | undefined,
    problems,
  );
  const seconds = every ?? (values['chaos'] === true ? defaultChaosSeconds : undefined);
  if (seconds !== undefined && kubeconfig !== undefined)
    problems.push('--chaos kills processes of the local node: it cannot run with --kubeconfig');
  return seconds;
}

export function parseDemoArgs(argv: readonly string[], knownFlows: readonly string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        speed: { type: 'string' },
        duration: { type: 'string' },
        kubeconfig: { type: 'string' },
        flows: { type: 'string' },
        chaos: { type: 'boolean' },
        'chaos-every': { type: 'string' },
        'keep-logs': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    return { problems: [(err as Error).message] };
  }
  const problems: string[] = [];
  const speed = positiveNumber('speed', values['speed'] as string | undefined, problems) ?? 1;
  const durationSeconds = positiveNumber(
    'duration',
    values['duration'] as string | undefined,
    problems,
  );
  const flows = flowsOf(values['flows'] as string | undefined, knownFlows, problems);
  const kubeconfig = values['kubeconfig'] as string | undefined;
  const chaosSeconds = chaosOf(values, kubeconfig, problems);
  if (problems.length > 0) return { problems };
  return {
    options: Object.freeze({
      speed,
      help: values['help'] === true,
      keepLogs: values['keep-logs'] === true,
      ...(chaosSeconds === undefined ? {} : { chaosSeconds }),
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
      ...(flows === undefined ? {} : { flows: Object.freeze(flows) }),
    }),
  };
}
