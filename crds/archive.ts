// `spec.archive` of a batch flow: the Kafka topic each run streams its export into before
// importing it, so that a SyncFlowReplay re-imports exactly the bytes a run imported. Kafka holds
// the bytes (retention removes them), Redis the index of archived runs (keepRuns prunes it).
import { z } from 'zod';
import { objectName } from './reference.ts';
import { matchesRule, withRules } from './rules.ts';

/** Kafka's legal topic names; the length leaves room for nothing else to be appended. */
export const topicNamePattern = /^[a-zA-Z0-9._-]+$/;

export const defaultArchiveKeepRuns = 30;

export const archiveSchema = z
  .object({
    connection: objectName(
      'SyncConnection of type kafka whose cluster keeps the archive topic; may be the one event flows use.',
    ),
    topic: withRules(z.string().min(1).max(249), [
      matchesRule(topicNamePattern, 'write a Kafka topic name: letters, digits, ., _ and -'),
    ])
      .optional()
      .describe(
        'Archive topic. Default: sf.{instanceId}.{namespace}.{name}.archive, created by the first run with a retention covering keepRuns runs.',
      ),
    keepRuns: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(defaultArchiveKeepRuns)
      .describe(
        `How many runs' exports a replay can re-import; older ones are dropped from the index. Default: ${defaultArchiveKeepRuns}.`,
      ),
  })
  .describe(
    'Batch flows: archive each export in a Kafka topic before importing it, so a SyncFlowReplay can re-import it. Default: none (a replay cannot go back past an import).',
  );
export type ArchiveSpec = z.infer<typeof archiveSchema>;
