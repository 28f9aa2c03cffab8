// The runtime's configuration document: what the operator renders into the flow's ConfigMap
// (key flow.json) and the runtime validates at start with this same schema. It carries specs,
// never secrets: each connection's Secret keys are mounted as files under secretDir.
import { z } from 'zod';
import { syncConnectionSpecSchema } from './connection.ts';
import { patterns, syncFlowSpecSchema } from './syncflow.ts';
import type { SyncFlowSpec } from './syncflow.ts';

/** Bumped when the document changes incompatibly; the runtime refuses versions it does not know. */
export const flowConfigVersion = 1;

/** ConfigMap key holding the document. */
export const flowConfigKey = 'flow.json';

/** Where the operator mounts a connection's Secret keys as files. */
export function secretDirFor(connectionName: string): string {
  return `/var/run/secrets/syncflow/${connectionName}/`;
}

/** Every connection a flow names: source, source.poll, sink, state and archive, without duplicates. */
export function connectionNamesOf(spec: SyncFlowSpec): string[] {
  const names = [
    spec.source.connection,
    spec.source.poll?.connection,
    spec.sink.connection,
    spec.state.connection,
    spec.archive?.connection,
  ];
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

/** Runtime modes; the names equal the runtime subcommands. */
export const runtimeModes = ['consume', 'poll', 'batch'] as const;
export type RuntimeMode = (typeof runtimeModes)[number];

export const flowPlanSchema = z
  .object({
    pattern: z.enum(patterns).describe('The pattern the operator chose.'),
    mode: z
      .enum(runtimeModes)
      .describe(
        'Runtime subcommand: consume (Kafka consumer group), poll (delta read since the cursor; on a kafka source it reads source.poll: the sweep), batch (file import).',
      ),
    schedule: z
      .string()
      .optional()
      .describe(
        'Set when a CronJob runs the flow: each run reads what is there (consume: up to the end offsets seen at start) and exits.',
      ),
    pollIntervalSeconds: z
      .number()
      .positive()
      .optional()
      .describe('Set for a continuous poller (a Deployment in mode poll): seconds between polls.'),
    maxLagSeconds: z.number().positive().describe('spec.maxLag in seconds.'),
  })
  .describe('What the operator decided; the runtime does not decide again.');
export type FlowPlan = z.infer<typeof flowPlanSchema>;

export const flowConfigSchema = z
  .object({
    configVersion: z.literal(flowConfigVersion),
    instanceId: z
      .string()
      .min(1)
      .describe('Operator instance id: prefixes Redis keys and consumer groups.'),
    flow: z.object({
      namespace: z.string().min(1),
      name: z.string().min(1),
      uid: z.string().min(1),
      generation: z.number().int().min(0),
      spec: syncFlowSpecSchema,
    }),
    plan: flowPlanSchema,
    connections: z.record(
      z.string(),
      z.object({
        spec: syncConnectionSpecSchema,
        secretDir: z
          .string()
          .optional()
          .describe('Directory holding the Secret keys of this connection as files.'),
      }),
    ),
  })
  .superRefine((config, ctx) => {
    for (const name of connectionNamesOf(config.flow.spec)) {
      if (config.connections[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['connections', name],
          message: `the flow uses connection ${name}, which the document does not carry`,
        });
      }
    }
  })
  .describe('The resolved configuration of one flow.');
export type FlowConfig = z.infer<typeof flowConfigSchema>;
export type FlowConfigInput = z.input<typeof flowConfigSchema>;

export type FlowConfigResult = { ok: true; config: FlowConfig } | { ok: false; error: string };

/** Parses the document; on failure the error lists every issue with its path. */
export function parseFlowConfig(json: unknown): FlowConfigResult {
  const parsed = flowConfigSchema.safeParse(json);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, error: z.prettifyError(parsed.error) };
}
