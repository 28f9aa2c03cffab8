// Whether a flow can be planned: its spec parses with the same zod schema as the CRD, the
// connections it names exist in its namespace and parse, and the semantic validator finds nothing.
// Returns the problem as a sentence naming the field and what to do, or the parsed inputs.
import type { z } from 'zod';
import { syncConnectionSpecSchema, type SyncConnectionSpec } from '../../crds/connection.ts';
import { connectionNamesOf } from '../../crds/flow-config.ts';
import { syncFlowSpecSchema, type SyncFlowSpec } from '../../crds/syncflow.ts';
import { validateFlow } from '../../crds/validate.ts';
import { parseOnce } from './parse-once.ts';

/** A SyncConnection as read from the cluster; its spec is checked here. */
export interface ObservedConnection {
  name: string;
  spec: unknown;
}

export type Validation =
  | { ok: true; spec: SyncFlowSpec; connections: Record<string, SyncConnectionSpec> }
  | { ok: false; reason: 'InvalidSpec' | 'InvalidConnection'; message: string };

function issuesOf(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

function parseConnections(observed: readonly ObservedConnection[]): {
  valid: Record<string, SyncConnectionSpec>;
  invalid: Record<string, string>;
} {
  const valid: Record<string, SyncConnectionSpec> = {};
  const invalid: Record<string, string> = {};
  for (const connection of observed) {
    const parsed = parseOnce(syncConnectionSpecSchema, connection.spec);
    if (parsed.success) valid[connection.name] = parsed.data;
    else invalid[connection.name] = issuesOf('spec', parsed.error);
  }
  return { valid, invalid };
}

export function validate(spec: unknown, observed: readonly ObservedConnection[]): Validation {
  const parsed = parseOnce(syncFlowSpecSchema, spec);
  if (!parsed.success)
    return { ok: false, reason: 'InvalidSpec', message: issuesOf('spec', parsed.error) };
  const { valid, invalid } = parseConnections(observed);
  const broken = connectionNamesOf(parsed.data).filter((name) => invalid[name] !== undefined);
  if (broken.length > 0) {
    const details = broken.map((name) => `SyncConnection ${name} is invalid: ${invalid[name]}`);
    return {
      ok: false,
      reason: 'InvalidConnection',
      message: `${details.join('; ')}; fix the connection`,
    };
  }
  const problems = validateFlow(parsed.data, valid);
  if (problems.length > 0)
    return { ok: false, reason: 'InvalidSpec', message: problems.map((p) => p.message).join('; ') };
  return { ok: true, spec: parsed.data, connections: valid };
}

/** Name limits of the children: a CronJob's name makes its Jobs' names, a label value is short. */
export function nameProblem(kind: string, name: string, flowName: string): string | undefined {
  const limit = kind === 'CronJob' ? 52 : 63;
  if (name.length <= limit) return undefined;
  const room = flowName.length - (name.length - limit);
  return `metadata.name: the ${kind} ${name} would be longer than ${limit} characters; give the SyncFlow a name of at most ${room} characters`;
}
