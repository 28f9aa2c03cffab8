// Pod settings a flow may tune. There is deliberately no image: every flow runs the operator's
// own image, so an upgrade moves all flows together and nobody ships code through a spec.
import { z } from 'zod';
import { durationSchema } from './duration.ts';

const quantity = z
  .union([
    z.number(),
    z
      .string()
      .max(64)
      .regex(
        /^[+-]?[0-9.]+([eE][+-]?[0-9]+|[a-zA-Z]{1,2})?$/,
        'must be a quantity, e.g. 100m or 256Mi',
      ),
  ])
  .meta({
    description: 'A Kubernetes quantity, e.g. 500m, 1, 256Mi.',
    'x-kubernetes-int-or-string': true,
  });

const resourceList = z
  .partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), quantity)
  .describe('Amounts by resource name: cpu, memory, ephemeral-storage.');

export const workloadSchema = z
  .object({
    resources: z
      .object({
        requests: resourceList.optional(),
        limits: resourceList.optional(),
      })
      .optional()
      .describe(
        'Compute resources of the runtime container. Default: requests cpu 50m, memory 128Mi; limit memory 512Mi.',
      ),
    replicas: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(1)
      .describe(
        'Event flows only: consumer pods in the group (more than the topic partitions stay idle). Default: 1.',
      ),
    runTimeout: durationSchema(
      'Poll and batch runs: longest a run may take before it is stopped and counted as failed. Default: the schedule period.',
    ).optional(),
    nodeSelector: z
      .record(z.string().max(317), z.string().max(63))
      .optional()
      .describe('Node labels the pods must run on.'),
    tolerations: z
      .array(
        z
          .object({
            key: z
              .string()
              .max(317)
              .optional()
              .describe('Taint key the toleration applies to; empty matches all keys.'),
            operator: z
              .enum(['Exists', 'Equal'])
              .optional()
              .describe('Exists or Equal. Default: Equal.'),
            value: z
              .string()
              .max(63)
              .optional()
              .describe('Taint value to match with operator Equal.'),
            effect: z
              .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])
              .optional()
              .describe('Taint effect to match; empty matches all effects.'),
            tolerationSeconds: z
              .number()
              .int()
              .optional()
              .describe('NoExecute only: how long the pod stays bound after the taint appears.'),
          })
          .describe('A Kubernetes toleration.'),
      )
      .max(32)
      .optional()
      .describe('Taints the pods tolerate.'),
    affinity: z.looseObject({}).optional().meta({
      description: 'A Kubernetes pod affinity, copied to the pods unchanged.',
      'x-kubernetes-preserve-unknown-fields': true,
    }),
    priorityClassName: z
      .string()
      .max(253)
      .optional()
      .describe('PriorityClass of the pods, e.g. to put order flows ahead of catalog imports.'),
  })
  .describe("Pod settings of the flow workload. The image is always the operator's.");
export type WorkloadSettings = z.infer<typeof workloadSchema>;
