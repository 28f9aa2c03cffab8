import { describe, expect, it } from 'vitest';
import { SyncFlowCondition } from './conditions.ts';
import { sinkVariantOf, sourceVariantOf, syncFlowSpecSchema } from './syncflow.ts';
import type { SyncFlowSpecInput } from './syncflow.ts';

const inventory: SyncFlowSpecInput = {
  flow: 'inventory',
  entity: 'sourceItem',
  maxLag: '5m',
  source: {
    connection: 'erp-sap',
    odata: {
      entitySet: 'A_MatlStkInAcctMod',
      keyFields: ['Material', 'Plant'],
      modifiedField: 'LastChangeDateTime',
    },
  },
  mapping: {
    fields: {
      sku: { path: 'Material', type: 'string' },
      sourceCode: { path: 'Plant', type: 'string' },
      quantity: { path: 'MatlWrhsStkQtyInMatlBaseUnit', type: 'decimal' },
    },
  },
  sink: { connection: 'commerce' },
  state: { connection: 'redis' },
};

function issuesOf(spec: unknown): { path: string; message: string }[] {
  const result = syncFlowSpecSchema.safeParse(spec);
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('SyncFlow spec', () => {
  it('fills the documented defaults', () => {
    const spec = syncFlowSpecSchema.parse(inventory);
    expect(spec).toMatchObject({
      pattern: 'auto',
      timeZone: 'UTC',
      deletes: 'ignore',
      suspend: false,
      guards: { allowEmptySnapshot: false },
      workload: { replicas: 1 },
      source: { odata: { pageSize: 500, overlap: '2m' } },
    });
    expect(sourceVariantOf(spec.source)).toBe('odata');
    expect(sinkVariantOf(spec.sink)).toBeUndefined();
  });

  it('accepts a kafka notification source with the poll that reads the entity', () => {
    const spec = syncFlowSpecSchema.parse({
      ...inventory,
      source: {
        connection: 'kafka',
        kafka: { topic: 'sap.stock.changed', payload: 'notification' },
        poll: { connection: 'erp-sap', odata: inventory.source.odata },
      },
    });
    expect(sourceVariantOf(spec.source)).toBe('kafka');
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown flow', { flow: 'shipping' }, 'flow', /Invalid option/],
    ['an entity of another flow', { entity: 'tier' }, 'entity', /inventory sourceItem/],
    ['a negative maxLag', { maxLag: '-5m' }, 'maxLag', /duration/],
    ['an unparsable maxLag', { maxLag: 'five minutes' }, 'maxLag', /duration/],
    ['a zero maxLag', { maxLag: '0s' }, 'maxLag', /positive/],
    [
      'a schedule with pattern event',
      { pattern: 'event', schedule: '*/5 * * * *' },
      'schedule',
      /remove schedule/,
    ],
    ['a malformed cron', { schedule: 'every 5 minutes' }, 'schedule', /5-field cron/],
    ['a time zone that is not a zone name', { timeZone: 'Berlin time' }, 'timeZone', /IANA/],
    ['a change ratio above 1', { guards: { maxChangeRatio: 1.5 } }, 'guards.maxChangeRatio', /<=1/],
    ['no sink', { sink: undefined }, 'sink', /expected object/],
    ['no state store', { state: undefined }, 'state', /expected object/],
    [
      'an initialSync from a date without a zone',
      { initialSync: { from: '2025-01-01' } },
      'initialSync.from',
      /RFC 3339/,
    ],
  ])('rejects %s, naming the field', (_name, change, path, message) => {
    const issues = issuesOf({ ...inventory, ...change });
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) as string });
  });

  it('rejects two sources', () => {
    const issues = issuesOf({
      ...inventory,
      source: { ...inventory.source, kafka: { topic: 'stock' } },
    });
    expect(issues).toContainEqual({
      path: 'source',
      message: 'source: set exactly one of kafka, odata, suiteql, rest, file, commerce',
    });
  });

  it('rejects a notification source without source.poll, saying what to add', () => {
    const issues = issuesOf({
      ...inventory,
      source: { connection: 'kafka', kafka: { topic: 'stock', payload: 'notification' } },
    });
    expect(issues).toEqual([
      { path: 'source.kafka', message: expect.stringMatching(/add source.poll/) as string },
    ]);
  });

  it('rejects a mapping field with both a path and a constant', () => {
    const issues = issuesOf({
      ...inventory,
      mapping: { fields: { sku: { path: 'Material', value: 'X', type: 'string' } } },
    });
    expect(issues[0]?.path).toBe('mapping.fields.sku');
  });

  it('accepts a value map of source codes to canonical text', () => {
    const fields = {
      ...inventory.mapping.fields,
      status: { path: 'Hold', type: 'boolean', map: { ON: 'true', OFF: 'false' } },
    };
    expect(issuesOf({ ...inventory, mapping: { fields } })).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a non-text mapped value', { ON: true }],
    [
      'more than 64 entries',
      Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`C${i}`, 'x'])),
    ],
  ])('rejects a value map with %s', (_, map) => {
    const fields = { ...inventory.mapping.fields, status: { path: 'Hold', type: 'boolean', map } };
    const issues = issuesOf({ ...inventory, mapping: { fields } });
    expect(issues[0]?.path).toMatch(/^mapping\.fields\.status\.map/);
  });

  it('rejects an xml file source without its record element', () => {
    const issues = issuesOf({
      ...inventory,
      source: {
        connection: 'files',
        file: { path: '/stock.xml', format: 'xml', keyFields: ['sku'] },
      },
    });
    expect(issues).toEqual([
      {
        path: 'source.file.recordElement',
        message: expect.stringMatching(/recordElement: Item/) as string,
      },
    ]);
  });

  it('names the standard condition types', () => {
    expect(Object.values(SyncFlowCondition)).toEqual([
      'Ready',
      'Reconciling',
      'Stalled',
      'LagWithinBudget',
      'LastRunSucceeded',
      'SchemaDrift',
      'GuardTripped',
    ]);
  });
});
