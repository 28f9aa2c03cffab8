// Where a flow reads and where it writes: a named connection plus exactly one typed section
// saying what to read (a Kafka topic, an OData entity set, a SuiteQL query, a REST resource, a
// file export, Commerce) or how to write.
import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { objectName } from './reference.ts';
import { atMostOneOf, exactlyOneOf, setKeysOf, withRules } from './rules.ts';

const fieldName = (description: string): z.ZodString =>
  z.string().min(1).max(128).describe(description);
const keyFields = (description: string): z.ZodArray<z.ZodString> =>
  z.array(z.string().min(1).max(128)).min(1).max(8).describe(description);
const pageSize = (max: number, fallback: number): z.ZodDefault<z.ZodNumber> =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(`Records per page (at most ${max}). Default: ${fallback}.`);
const overlap = durationSchema(
  'How far before the cursor each poll re-reads, against clock skew and late commits (duplicates are dropped by the gate). Use 24h for date-only modified fields. Default: 2m.',
).default('2m');

export const odataSourceSchema = z
  .object({
    entitySet: fieldName(
      'Entity set to read, below the connection URL: items (Business Central), or API_PRODUCT_SRV/A_Product when the URL is the SAP OData root.',
    ),
    keyFields: keyFields('Properties that identify one record, e.g. [Material, Plant].'),
    modifiedField: fieldName(
      'Property with the last-change timestamp the delta filter uses, e.g. LastChangeDateTime.',
    ),
    modifiedTimeField: fieldName(
      'SAP only: a separate time-of-day property completing a date-only modifiedField (e.g. LastChangeTime).',
    ).optional(),
    filter: z
      .string()
      .max(2048)
      .optional()
      .describe('Extra $filter expression ANDed with the delta filter.'),
    select: z
      .array(z.string().min(1).max(128))
      .max(256)
      .optional()
      .describe('Properties to $select; default all.'),
    expand: z
      .array(z.string().min(1).max(128))
      .max(16)
      .optional()
      .describe('Navigation properties to $expand.'),
    pageSize: pageSize(5000, 500),
    overlap,
  })
  .describe(
    'Delta reads from an OData v4 or v2 (SAP) service: records changed since the cursor, ordered by (modifiedField, keyFields).',
  );

export const suiteqlSourceSchema = withRules(
  z
    .object({
      query: z
        .string()
        .min(1)
        .max(8192)
        .optional()
        .describe(
          'A SuiteQL SELECT; the runtime adds the delta condition on modifiedField and the ORDER BY.',
        ),
      recordType: fieldName(
        'A record type to read whole, e.g. inventorybalance or customer.',
      ).optional(),
      keyField: fieldName('Column that identifies a row. Default: id.').default('id'),
      modifiedField: fieldName(
        'Column with the last-change timestamp. Default: lastmodifieddate.',
      ).default('lastmodifieddate'),
      pageSize: pageSize(1000, 1000),
      overlap,
    })
    .describe(
      'Delta reads from NetSuite SuiteQL (1,000-row pages, windows sliced under 100,000 rows).',
    ),
  [exactlyOneOf(['query', 'recordType'], 'source.suiteql')],
);

export const restSourceSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^\//, 'must start with /')
      .describe('Path below the connection URL, e.g. /api/v1/items.'),
    itemsField: fieldName(
      'Response property holding the record array, e.g. items or value.',
    ).default('items'),
    keyFields: keyFields('Properties that identify one record.'),
    modifiedField: fieldName('Property with the last-change timestamp.'),
    sinceParameter: fieldName(
      'Query parameter that receives the cursor timestamp, e.g. modifiedSince.',
    ).optional(),
    paging: z
      .enum(['nextLink', 'offset', 'page', 'none'])
      .default('nextLink')
      .describe(
        'nextLink: follow the URL in the response; offset/page: count up until a short page; none: one request. Default: nextLink.',
      ),
    pageSize: pageSize(5000, 500),
    overlap,
  })
  .describe('Delta reads from a JSON REST resource.');

export const commerceSourceSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .max(512)
      .regex(/^\/V1\//, 'must start with /V1/')
      .default('/V1/orders')
      .describe('Search endpoint, e.g. /V1/orders. Default: /V1/orders.'),
    modifiedField: fieldName(
      'Field the searchCriteria filter and sort on. Default: updated_at.',
    ).default('updated_at'),
    keyField: fieldName('Field that breaks ties in the sort. Default: entity_id.').default(
      'entity_id',
    ),
    pageSize: pageSize(300, 100),
    overlap,
  })
  .describe('Delta reads from an Adobe Commerce search endpoint (searchCriteria on updated_at).');

export const fileSourceSchema = withRules(
  z
    .object({
      path: z
        .string()
        .min(1)
        .max(2048)
        .regex(/^\//, 'must start with /')
        .describe(
          'Path below the connection URL of the export, e.g. /exports/stock.csv. {date} is replaced by the run date (yyyy-MM-dd in the flow time zone).',
        ),
      format: z.enum(['csv', 'ndjson', 'xml']).describe('File format.'),
      encoding: z
        .enum(['utf-8', 'utf-16le', 'iso-8859-1', 'windows-1252'])
        .default('utf-8')
        .describe('Character encoding of the file. Default: utf-8.'),
      decimalSeparator: z
        .enum(['.', ','])
        .default('.')
        .describe('Decimal separator of numbers in the file. Default: ".".'),
      delimiter: z
        .string()
        .min(1)
        .max(1)
        .default(',')
        .describe('CSV only: field delimiter. Default: ",".'),
      header: z
        .boolean()
        .default(true)
        .describe(
          'CSV only: the first row names the columns (mapping paths are column names). Default: true.',
        ),
      recordElement: fieldName(
        'XML only: the element that holds one record, e.g. Item.',
      ).optional(),
      keyFields: keyFields('Columns that identify one record.'),
    })
    .describe(
      'A full export (snapshot) streamed from a file; a restarted run resumes at its row offset.',
    ),
  [
    {
      rule: "self.format != 'xml' || has(self.recordElement)",
      message:
        'source.file.recordElement: an xml file needs the element that holds one record, e.g. recordElement: Item',
      fieldPath: '.recordElement',
      holds: (f) => f.format !== 'xml' || f.recordElement !== undefined,
    },
  ],
);

export const kafkaSourceSchema = z
  .object({
    topic: z
      .string()
      .min(1)
      .max(249)
      .regex(/^[a-zA-Z0-9._-]+$/, 'must be a Kafka topic name')
      .describe('Topic with the change events.'),
    payload: z
      .enum(['full', 'notification'])
      .default('full')
      .describe(
        'full: each event carries the whole entity; notification: only its key, and the runtime reads the entity through source.poll. Default: full.',
      ),
    deadLetterTopic: z
      .string()
      .min(1)
      .max(249)
      .regex(/^[a-zA-Z0-9._-]+$/, 'must be a Kafka topic name')
      .optional()
      .describe(
        'Topic for events that cannot be applied (poison records, delta events), with the reason in headers. Default: <topic>.dlq.',
      ),
  })
  .describe('Events from a Kafka topic, consumed by a consumer group.');

const pollVariants = ['odata', 'suiteql', 'rest', 'commerce'] as const;

export const pollSourceSchema = withRules(
  z
    .object({
      connection: objectName('SyncConnection of the system of record.'),
      odata: odataSourceSchema.optional(),
      suiteql: suiteqlSourceSchema.optional(),
      rest: restSourceSchema.optional(),
      commerce: commerceSourceSchema.optional(),
    })
    .describe(
      'Kafka sources only: how to read the same entities from the system of record. Fetches the whole entity for notification events, and runs the slow sweep poll that catches events never sent.',
    ),
  [exactlyOneOf(pollVariants, 'source.poll')],
);

export const sourceVariants = ['kafka', 'odata', 'suiteql', 'rest', 'file', 'commerce'] as const;
export type SourceVariant = (typeof sourceVariants)[number];

export const sourceSchema = withRules(
  z
    .object({
      connection: objectName('SyncConnection to read from.'),
      kafka: kafkaSourceSchema.optional(),
      odata: odataSourceSchema.optional(),
      suiteql: suiteqlSourceSchema.optional(),
      rest: restSourceSchema.optional(),
      file: fileSourceSchema.optional(),
      commerce: commerceSourceSchema.optional(),
      poll: pollSourceSchema.optional(),
    })
    .describe(
      'Where the flow reads: a connection and exactly one of kafka, odata, suiteql, rest, file, commerce.',
    ),
  [
    exactlyOneOf(sourceVariants, 'source'),
    {
      rule: '!has(self.poll) || has(self.kafka)',
      message: 'source.poll is only for kafka sources: every other source is read directly',
      fieldPath: '.poll',
      holds: (s) => s.poll === undefined || s.kafka !== undefined,
    },
    {
      rule: "!has(self.kafka) || self.kafka.payload != 'notification' || has(self.poll)",
      message:
        'source.poll: notification events carry only keys; add source.poll so the runtime can read the whole entity',
      fieldPath: '.kafka',
      holds: (s) => s.kafka?.payload !== 'notification' || s.poll !== undefined,
    },
  ],
);
export type SyncFlowSource = z.infer<typeof sourceSchema>;

/** The one source variant that is set (the schema guarantees there is exactly one). */
export function sourceVariantOf(source: SyncFlowSource): SourceVariant {
  const [variant] = setKeysOf(source, sourceVariants);
  return (variant ?? 'kafka') as SourceVariant;
}

export const sinkVariants = ['commerce', 'odata', 'suiteql', 'rest'] as const;
export type SinkVariant = (typeof sinkVariants)[number];

export const sinkSchema = withRules(
  z
    .object({
      connection: objectName('SyncConnection to write to.'),
      commerce: z
        .object({
          storeCode: z
            .string()
            .max(64)
            .optional()
            .describe('Store code for these writes; overrides the connection default (all).'),
          batchSize: z
            .number()
            .int()
            .min(1)
            .max(5000)
            .default(20)
            .describe(
              'Entities per request where the endpoint takes arrays. Default: 20 (the input limit of hardened installs).',
            ),
          bulk: z
            .boolean()
            .default(false)
            .describe(
              'Use the asynchronous bulk API for large imports, checkpointed when the bulk operation completes. Default: false.',
            ),
        })
        .optional()
        .describe('Writes to Adobe Commerce; the endpoint follows from the flow and entity.'),
      odata: z
        .object({
          entitySet: fieldName('Entity set to create or update, e.g. salesOrders.'),
          externalIdField: fieldName(
            'Property holding the Commerce document id, looked up before a create, e.g. externalDocumentNumber.',
          ),
        })
        .optional()
        .describe(
          'Writes to an OData service (orders into the ERP), idempotent by an external id.',
        ),
      suiteql: z
        .object({
          recordType: fieldName('Record type to upsert, e.g. salesOrder.'),
        })
        .optional()
        .describe('Writes to NetSuite through the record API, upserting by external id (eid:).'),
      rest: z
        .object({
          path: z
            .string()
            .min(1)
            .max(2048)
            .regex(/^\//, 'must start with /')
            .describe('Path below the connection URL.'),
          method: z
            .enum(['POST', 'PUT', 'PATCH'])
            .default('PUT')
            .describe(
              'HTTP method of the write; it must be idempotent for the same body. Default: PUT.',
            ),
        })
        .optional()
        .describe('Writes to a JSON REST resource.'),
    })
    .describe(
      'Where the flow writes: a connection and at most one of commerce, odata, suiteql, rest (commerce connections need none).',
    ),
  [atMostOneOf(sinkVariants, 'sink')],
);
export type SyncFlowSink = z.infer<typeof sinkSchema>;

/** The sink variant that is set, or undefined when the connection type says all. */
export function sinkVariantOf(sink: SyncFlowSink): SinkVariant | undefined {
  const [variant] = setKeysOf(sink, sinkVariants);
  return variant as SinkVariant | undefined;
}
