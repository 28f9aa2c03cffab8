// The SyncFlow kind: one data flow between the ERP and Commerce with a latency budget. Entry
// file of crds/ for flows; connection.ts, replay.ts, conditions.ts and flow-config.ts hold the
// other kinds. Everything here is pure: schemas, types and the rules the server also checks.
import { z } from 'zod';
import { archiveSchema } from './archive.ts';
import { conditionsSchema } from './conditions.ts';
import { durationSchema } from './duration.ts';
import { entityNames, flowNames, isEntityOf, mappingTypes } from './flows.ts';
import type { EntityName, FlowName } from './flows.ts';
import { objectName } from './reference.ts';
import { matchesRule, withRules } from './rules.ts';
import { sinkSchema, sourceSchema } from './source.ts';
import { workloadSchema } from './workload.ts';

export { parseDuration, formatDuration, isDuration } from './duration.ts';
export { entitiesByFlow, requiredCanonicalFields, directionOf } from './flows.ts';
export type { FlowName, EntityName, MappingType } from './flows.ts';
export { sourceVariantOf, sinkVariantOf } from './source.ts';
export type { SourceVariant, SinkVariant, SyncFlowSource, SyncFlowSink } from './source.ts';
export type { WorkloadSettings } from './workload.ts';
export type { ArchiveSpec } from './archive.ts';

export const group = 'syncflow.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}` as const;

/** A 5-field cron line or a descriptor; field values are checked by the semantic validator. */
export const cronPattern =
  /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*?,/-]+( +[0-9A-Za-z*?,/-]+){4})$/;
/** The shape of an IANA zone name; whether it exists is checked by the semantic validator. */
export const timeZonePattern = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
/** `beginning`, `now` or an RFC 3339 timestamp with a zone. */
export const initialSyncFromPattern =
  /^(beginning|now|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))$/;

/** Bounds the CEL cost of the per-field rule. */
const maxMappingFields = 128;
/** Bounds a mapping field's value map: code lists, not lookup tables. */
const maxMapEntries = 64;

export const patterns = ['event', 'poll', 'batch'] as const;
export type Pattern = (typeof patterns)[number];

const mappingFieldSchema = withRules(
  z
    .object({
      path: z
        .string()
        .min(1)
        .max(256)
        .optional()
        .describe(
          'Where the value is in the source record: property names joined by dots, [n] for a list element, e.g. Material or to_Plant.Plant; a column name for CSV.',
        ),
      value: z
        .string()
        .max(1024)
        .optional()
        .describe('A constant instead of a path, converted to type, e.g. "1".'),
      type: z
        .enum(mappingTypes)
        .describe(
          'Type of the canonical value: string, integer, number, decimal (exact, as text), boolean, date, dateTime, array, object.',
        ),
      format: z
        .string()
        .max(64)
        .optional()
        .describe(
          'How the source writes dates or numbers when it is not ISO 8601/JSON, e.g. sapDate for /Date(ms)/, yyyyMMdd, dd.MM.yyyy.',
        ),
      map: z
        .record(z.string().max(256), z.string().max(1024))
        .refine((map) => Object.keys(map).length <= maxMapEntries, {
          message: `at most ${maxMapEntries} map entries`,
        })
        .meta({ maxProperties: maxMapEntries })
        .optional()
        .describe(
          "A value map: the source's value (as text) to the canonical one, then converted to type, e.g. { ON: 'true', OFF: 'false', AUTO: 'false' } with type boolean. A source value the map lacks fails the record.",
        ),
    })
    .describe('One canonical field: a typed path into the source record, or a constant.'),
  [
    {
      rule: '[has(self.path), has(self.value)].filter(x, x).size() == 1',
      message:
        'mapping field: set exactly one of path (read from the record) or value (a constant)',
      holds: (f) => (f.path === undefined) !== (f.value === undefined),
    },
  ],
);
export type MappingField = z.infer<typeof mappingFieldSchema>;

const specShape = z
  .object({
    flow: z
      .enum(flowNames as [FlowName, ...FlowName[]])
      .describe(
        'Which of the seven flows this is: customer, pricing, inventory, catalog, order (Commerce to ERP), credit, orderStatus.',
      ),
    entity: z
      .enum(entityNames as [EntityName, ...EntityName[]])
      .describe(
        'Sub-kind of the flow. customer: company | buyer | address; pricing: base | tier | special | sharedCatalog; inventory: sourceItem; catalog: product | category; order: salesOrder; credit: companyCredit; orderStatus: shipment | invoice.',
      ),
    maxLag: durationSchema(
      'The business budget: the longest a change may take from the source to the sink, as a duration such as 60s, 5m, 1h or 24h. The operator picks the workload from it: under 2m event-driven, up to 1h a poll every maxLag/2, from 1h an hourly batch, from 24h a daily batch at 02:00 in timeZone.',
    ),
    pattern: z
      .enum(['auto', ...patterns])
      .default('auto')
      .describe(
        'auto lets maxLag decide; event, poll or batch force a pattern (status.decision says what it costs). Default: auto.',
      ),
    schedule: withRules(z.string().max(128), [
      matchesRule(
        cronPattern,
        'write a 5-field cron line (minute hour day-of-month month day-of-week) or @hourly/@daily',
      ),
    ])
      .optional()
      .describe(
        'Cron schedule overriding the derived one for poll and batch flows, in timeZone, e.g. "*/5 * * * *". Not allowed with pattern: event.',
      ),
    timeZone: withRules(z.string().max(64), [
      matchesRule(timeZonePattern, 'write an IANA time zone such as Europe/Berlin'),
    ])
      .default('UTC')
      .describe('IANA time zone of the schedule, e.g. Europe/Berlin. Default: UTC.'),
    source: sourceSchema,
    mapping: z
      .object({
        fields: z
          .record(
            z
              .string()
              .min(1)
              .max(128)
              .regex(/^[A-Za-z][A-Za-z0-9]*$/),
            mappingFieldSchema,
          )
          .refine((fields) => Object.keys(fields).length <= maxMappingFields, {
            message: `at most ${maxMappingFields} fields`,
          })
          .meta({ maxProperties: maxMappingFields })
          .describe(
            'Canonical field name to where its value comes from. Each entity needs its own fields, e.g. sourceItem: sku, sourceCode, quantity.',
          ),
      })
      .describe('How a source record becomes the canonical record of the entity.'),
    sink: sinkSchema,
    state: z
      .object({
        connection: objectName(
          "SyncConnection of type redis holding this flow's cursors, dedup ids, entity versions and run records. It must not evict keys.",
        ),
      })
      .describe('The Redis the runtime keeps its state in.'),
    archive: archiveSchema.optional(),
    deletes: z
      .enum(['ignore', 'apply'])
      .default('ignore')
      .describe(
        'What a deleted marker from the source does: ignore it, or apply the delete in the sink. Default: ignore.',
      ),
    initialSync: z
      .object({
        from: withRules(z.string().max(64), [
          matchesRule(
            initialSyncFromPattern,
            'write beginning, now or an RFC 3339 timestamp such as 2025-01-31T06:00:00Z',
          ),
        ]).describe(
          'beginning (everything), now (nothing before creation) or an RFC 3339 timestamp.',
        ),
      })
      .optional()
      .describe(
        'A one-off run when the flow is created, before the regular workload takes over. Default: none, start from now.',
      ),
    guards: z
      .object({
        maxChangeRatio: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe(
            'Share of the entities (0..1) one run may change before it stops with GuardTripped until approved. Default: no limit.',
          ),
        allowEmptySnapshot: z
          .boolean()
          .default(false)
          .describe(
            'Whether an empty export may be applied (with deletes: apply it empties the sink). Default: false.',
          ),
      })
      .prefault({})
      .describe('Blast-radius limits: a run that trips one stops and waits for a person.'),
    suspend: z
      .boolean()
      .default(false)
      .describe(
        'Stop running the flow without deleting it: the Deployment scales to 0, the CronJob is suspended. Default: false.',
      ),
    workload: workloadSchema.prefault({}),
  })
  .describe('Desired state of one data flow.');

export const syncFlowSpecSchema = withRules(specShape, [
  {
    rule: "self.entity in {'customer': ['company', 'buyer', 'address'], 'pricing': ['base', 'tier', 'special', 'sharedCatalog'], 'inventory': ['sourceItem'], 'catalog': ['product', 'category'], 'order': ['salesOrder'], 'credit': ['companyCredit'], 'orderStatus': ['shipment', 'invoice']}[self.flow]",
    message:
      'entity does not belong to this flow: customer takes company, buyer or address; pricing base, tier, special or sharedCatalog; inventory sourceItem; catalog product or category; order salesOrder; credit companyCredit; orderStatus shipment or invoice',
    fieldPath: '.entity',
    holds: (s) => isEntityOf(s.flow, s.entity),
  },
  {
    rule: "!has(self.schedule) || !has(self.pattern) || self.pattern != 'event'",
    message:
      'schedule applies to poll and batch flows; an event-driven flow runs continuously: remove schedule or set pattern: poll or batch',
    fieldPath: '.schedule',
    holds: (s) => s.schedule === undefined || s.pattern !== 'event',
  },
]);
export type SyncFlowSpec = z.infer<typeof syncFlowSpecSchema>;
export type SyncFlowSpecInput = z.input<typeof syncFlowSpecSchema>;

const timestamp = (description: string): z.ZodISODateTime =>
  z.iso.datetime({ offset: true }).describe(description);
const count = (description: string): z.ZodNumber => z.number().int().min(0).describe(description);

export const syncFlowStatusSchema = z
  .object({
    observedGeneration: count('metadata.generation the status describes.').optional(),
    pattern: z
      .enum(patterns)
      .optional()
      .describe('The pattern the operator chose: event, poll or batch.'),
    schedule: z
      .string()
      .max(128)
      .optional()
      .describe('Cron schedule of the poll or batch CronJob, in timeZone.'),
    decision: z
      .string()
      .max(1024)
      .optional()
      .describe('Why the operator chose this pattern, e.g. "maxLag 60s < 2m: event-driven".'),
    workload: z
      .object({
        kind: z.enum(['Deployment', 'CronJob']).describe('Kind of the workload running the flow.'),
        name: z.string().max(253).describe('Name of the workload in this namespace.'),
      })
      .optional()
      .describe('The workload that runs the flow.'),
    sweep: z
      .object({
        name: z.string().max(253).describe('Name of the sweep CronJob in this namespace.'),
        schedule: z.string().max(128).describe('Cron schedule of the sweep, in timeZone.'),
      })
      .optional()
      .describe(
        'Event flows whose source can be polled: the slow poll that catches events never sent.',
      ),
    conditions: conditionsSchema.optional(),
    lag: z
      .object({
        seconds: z
          .number()
          .min(0)
          .optional()
          .describe(
            'How far behind the sink is, in seconds (event: age of the oldest unprocessed message; poll: since the start of the last good poll; batch: since the as-of time of the last imported export).',
          ),
        messages: count(
          'Event flows: messages behind, log end minus committed offset, over all partitions.',
        ).optional(),
        budgetSeconds: z.number().min(0).optional().describe('spec.maxLag in seconds.'),
        measuredAt: timestamp('When lag was measured.').optional(),
        sourceSilentSeconds: z
          .number()
          .min(0)
          .optional()
          .describe(
            'Event flows: seconds since the source last sent anything; lag 0 from a silent producer is not health.',
          ),
      })
      .optional()
      .describe('Measured lag against the budget.'),
    lastRun: z
      .object({
        startedAt: timestamp('When the run started.').optional(),
        completedAt: timestamp('When the run ended.').optional(),
        records: count('Records read.').optional(),
        failed: count('Records the sink rejected.').optional(),
        deadLettered: count('Records sent to the dead-letter topic.').optional(),
        result: z
          .enum(['Succeeded', 'Failed', 'GuardTripped', 'SchemaDrift'])
          .optional()
          .describe('Outcome of the run.'),
      })
      .optional()
      .describe('The last completed run (poll, batch) or batch of events.'),
    consecutiveFailedRuns: count('Runs that failed in a row since the last success.').optional(),
    cursor: z
      .object({
        watermark: z
          .string()
          .max(256)
          .optional()
          .describe(
            'Poll flows: the modified timestamp the next poll reads from; batch flows: as-of time of the last imported export.',
          ),
      })
      .optional()
      .describe('Where the flow will continue.'),
    lastHandledApproval: z
      .string()
      .max(256)
      .optional()
      .describe(
        'Value of the syncflow.io/approve annotation the operator last acted on (releases GuardTripped).',
      ),
  })
  .describe('Observed state of the flow: the chosen pattern, the lag and the last run.');
export type SyncFlowStatus = z.infer<typeof syncFlowStatusSchema>;

export const syncFlowSchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal('SyncFlow'),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    generation: z.number().optional(),
  }),
  spec: syncFlowSpecSchema,
  status: syncFlowStatusSchema.optional(),
});
export type SyncFlow = z.infer<typeof syncFlowSchema>;
