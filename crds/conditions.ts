// Condition vocabulary of the three kinds, in the metav1.Condition shape kstatus, Flux and
// `kubectl wait --for condition=Ready` understand.
import { z } from 'zod';

/** SyncFlow condition types. Ready is normal-true; Reconciling and Stalled are abnormal-true. */
export const SyncFlowCondition = {
  /** The workload matches the spec and is running (or scheduled). */
  Ready: 'Ready',
  /** The operator is moving the children towards the spec. */
  Reconciling: 'Reconciling',
  /** The operator cannot make progress without a change by a person (invalid spec, impossible pair). */
  Stalled: 'Stalled',
  /** Measured lag is within `spec.maxLag`. */
  LagWithinBudget: 'LagWithinBudget',
  /** The last run (or consumer batch) succeeded. */
  LastRunSucceeded: 'LastRunSucceeded',
  /** The source's shape no longer matches the mapping; the flow stopped before writing. */
  SchemaDrift: 'SchemaDrift',
  /** A blast-radius guard stopped the flow until a person approves. */
  GuardTripped: 'GuardTripped',
} as const;
export type SyncFlowConditionType = (typeof SyncFlowCondition)[keyof typeof SyncFlowCondition];

/** SyncFlowReplay condition types. */
export const SyncFlowReplayCondition = {
  Ready: 'Ready',
  Stalled: 'Stalled',
} as const;
export type SyncFlowReplayConditionType =
  (typeof SyncFlowReplayCondition)[keyof typeof SyncFlowReplayCondition];

export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatusValue = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** metav1.Condition, field for field (same limits as the upstream OpenAPI). */
export const conditionSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(316)
      .describe('Type of condition in CamelCase, e.g. Ready, LagWithinBudget.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition.'),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation of the object this condition was set for.'),
    lastTransitionTime: z.iso
      .datetime({ offset: true })
      .describe('When the condition last changed status (RFC 3339).'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe('One CamelCase word for the cause, e.g. BudgetExceeded.'),
    message: z
      .string()
      .max(32768)
      .describe('Human-readable details: what happened and what to do.'),
  })
  .describe('A condition in the metav1.Condition shape.');
export type Condition = z.infer<typeof conditionSchema>;

/** The `conditions` list: a map keyed by type, as Kubernetes merges it. */
export const conditionsSchema = z
  .array(conditionSchema)
  .max(32)
  .meta({
    description: 'Latest observations of the object, one per condition type.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
