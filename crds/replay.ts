// The SyncFlowReplay kind: a one-off command ("re-apply everything since 06:00"), created when
// needed and not kept in Git; its status walks Pending → Running → Completed or Failed.
import { z } from 'zod';
import { conditionsSchema } from './conditions.ts';
import { objectName } from './reference.ts';
import { withRules } from './rules.ts';
import { apiVersion } from './syncflow.ts';

export const replayPhases = ['Pending', 'Running', 'Completed', 'Failed'] as const;
export type ReplayPhase = (typeof replayPhases)[number];

export const syncFlowReplaySpecSchema = withRules(
  z
    .object({
      flow: objectName('Name of the SyncFlow to replay, in the same namespace.'),
      from: z.iso
        .datetime({ offset: true })
        .describe(
          'RFC 3339 time to replay from, e.g. 2025-03-14T06:00:00+01:00. A time before the start of the log is rejected.',
        ),
      mode: z
        .enum(['fillGaps', 'reapply'])
        .default('fillGaps')
        .describe(
          'fillGaps applies only what the idempotency gate has not seen; reapply writes again even at equal versions (after a restore of the sink) but never goes backwards. Default: fillGaps.',
        ),
      source: z
        .enum(['log', 'deadLetter'])
        .default('log')
        .describe(
          'log re-reads the source from `from`; deadLetter redrives the dead-letter topic through the same gate. Default: log.',
        ),
    })
    .describe('What to replay. Immutable: create a new replay instead of editing one.'),
  [
    {
      rule: 'self == oldSelf',
      message: 'a SyncFlowReplay is a one-off command and cannot be changed: create a new one',
    },
  ],
);
export type SyncFlowReplaySpec = z.infer<typeof syncFlowReplaySpecSchema>;

const count = (description: string): z.ZodNumber => z.number().int().min(0).describe(description);

export const syncFlowReplayStatusSchema = z
  .object({
    observedGeneration: count('metadata.generation the status describes.').optional(),
    phase: z.enum(replayPhases).optional().describe('Pending, Running, Completed or Failed.'),
    message: z.string().max(4096).optional().describe('What is happening or why it failed.'),
    startedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the replay started running.'),
    completedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When it completed or failed.'),
    offsets: z
      .array(
        z
          .object({
            partition: count('Partition number.'),
            from: count('First offset replayed.'),
            to: count('End offset recorded when the replay was requested (exclusive).'),
            committed: count('Offset the replay has reached.').optional(),
          })
          .describe('Progress on one partition.'),
      )
      .max(1024)
      .optional()
      .describe('Event flows: the offset range per partition.'),
    cursor: z
      .object({
        from: z.string().max(256).optional().describe('Cursor the replay started at.'),
        to: z.string().max(256).optional().describe('Cursor it stops at.'),
        current: z.string().max(256).optional().describe('Cursor reached so far.'),
      })
      .optional()
      .describe('Poll and batch flows: the cursor range.'),
    counts: z
      .object({
        read: count('Records read.').optional(),
        applied: count('Records written to the sink.').optional(),
        skipped: count('Records the gate dropped as already applied.').optional(),
        failed: count('Records the sink rejected.').optional(),
        deadLettered: count('Records sent to the dead-letter topic.').optional(),
      })
      .optional()
      .describe('Record counts so far.'),
    conditions: conditionsSchema.optional(),
  })
  .describe('Progress of the replay.');
export type SyncFlowReplayStatus = z.infer<typeof syncFlowReplayStatusSchema>;

export const syncFlowReplaySchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal('SyncFlowReplay'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: syncFlowReplaySpecSchema,
  status: syncFlowReplayStatusSchema.optional(),
});
export type SyncFlowReplay = z.infer<typeof syncFlowReplaySchema>;
