import { describe, expect, it } from 'vitest';
import { syncConnectionSpecSchema, type SyncConnectionSpec } from './connection.ts';
import { syncFlowSpecSchema, type SyncFlowSpecInput } from './syncflow.ts';
import { checkTimeZone } from './time-zone.ts';
import { validateFlow, type ConnectionsByName } from './validate.ts';

const connection = (spec: unknown): SyncConnectionSpec => syncConnectionSpecSchema.parse(spec);

const connections: ConnectionsByName = {
  'erp-sap': connection({ type: 'odata-v2', url: 'https://sap.example.com/sap/opu/odata/sap/API' }),
  'erp-netsuite': connection({ type: 'suiteql', url: 'https://1234.suitetalk.api.netsuite.com' }),
  commerce: connection({
    type: 'commerce',
    url: 'https://shop.example.com',
    auth: { oauth1: { secretRef: { name: 'commerce' } } },
  }),
  kafka: connection({ type: 'kafka', brokers: ['kafka:9092'] }),
  'erp-exports': connection({ type: 'rest', url: 'https://exports.example.com' }),
  redis: connection({ type: 'redis', url: 'redis://redis:6379' }),
};

const inventory: SyncFlowSpecInput = {
  flow: 'inventory',
  entity: 'sourceItem',
  maxLag: '5m',
  timeZone: 'Europe/Berlin',
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

const fileSource: SyncFlowSpecInput['source'] = {
  connection: 'erp-exports',
  file: { path: '/stock.csv', format: 'csv', keyFields: ['sku'] },
};

function problemsOf(
  change: Partial<SyncFlowSpecInput>,
  known = connections,
): { field: string; message: string }[] {
  return validateFlow(syncFlowSpecSchema.parse({ ...inventory, ...change }), known);
}

describe('validateFlow', () => {
  it('finds nothing wrong with a sound flow', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('takes an archive on a batch flow, in a kafka connection, keeping 30 runs by default', () => {
    const spec = { source: fileSource, archive: { connection: 'kafka' } };
    expect(problemsOf(spec)).toEqual([]);
    expect(syncFlowSpecSchema.parse({ ...inventory, ...spec }).archive).toEqual({
      connection: 'kafka',
      keepRuns: 30,
    });
  });

  it.each<[string, Partial<SyncFlowSpecInput>, string, RegExp]>([
    [
      'a cron that never fires',
      { schedule: '0 2 30 2 *' },
      'spec.schedule',
      /never fires.*1-28 is always safe/,
    ],
    [
      'a cron with a minute out of range',
      { schedule: '61 * * * *' },
      'spec.schedule',
      /minute "61" is outside 0-59/,
    ],
    [
      'an unknown time zone',
      { timeZone: 'Europe/Atlantis' },
      'spec.timeZone',
      /not an IANA time zone; write a Region\/City name such as/,
    ],
    [
      'a time zone in the wrong case',
      { timeZone: 'europe/berlin' },
      'spec.timeZone',
      /case-sensitive: write Europe\/Berlin/,
    ],
    [
      'an initial sync from 30 February',
      { initialSync: { from: '2025-02-30T06:00:00Z' } },
      'spec.initialSync.from',
      /not a real time/,
    ],
    [
      'a missing source connection',
      { source: { ...inventory.source, connection: 'erp-sap-prod' } },
      'spec.source.connection',
      /no SyncConnection named erp-sap-prod in this namespace; write one of erp-sap, erp-netsuite/,
    ],
    [
      'a source connection of the wrong type',
      { source: { ...inventory.source, connection: 'erp-netsuite' } },
      'spec.source.connection',
      /erp-netsuite is a suiteql connection, but source.odata needs type odata or odata-v2/,
    ],
    [
      'a state store that is not redis',
      { state: { connection: 'kafka' } },
      'spec.state.connection',
      /needs type redis/,
    ],
    [
      'a sink that is not Commerce for an inbound flow',
      { sink: { connection: 'erp-sap', odata: { entitySet: 'A_X', externalIdField: 'Y' } } },
      'spec.sink.connection',
      /writes to Commerce: name a commerce connection/,
    ],
    [
      'a mapping without quantity',
      {
        mapping: {
          fields: {
            sku: { path: 'Material', type: 'string' },
            sourceCode: { path: 'Plant', type: 'string' },
          },
        },
      },
      'spec.mapping.fields.quantity',
      /the sourceItem entity needs quantity; add quantity: \{ path: <source field>, type: number \}/,
    ],
    [
      'a quantity typed as text',
      {
        mapping: {
          fields: { ...inventory.mapping.fields, quantity: { path: 'Qty', type: 'string' } },
        },
      },
      'spec.mapping.fields.quantity.type',
      /quantity cannot be string; write type: number or decimal or integer/,
    ],
    [
      'an archive on a flow that reads no file',
      { archive: { connection: 'kafka' } },
      'spec.archive',
      /only batch flows \(source.file\) archive their exports; a odata source .*: remove archive/,
    ],
    [
      'a missing archive connection',
      { source: fileSource, archive: { connection: 'kafka-archive' } },
      'spec.archive.connection',
      /no SyncConnection named kafka-archive in this namespace/,
    ],
    [
      'an archive connection that is not kafka',
      { source: fileSource, archive: { connection: 'redis' } },
      'spec.archive.connection',
      /redis is a redis connection, but the archive needs type kafka/,
    ],
  ])('reports %s on the field, saying what to write', (_name, change, field, message) => {
    const problems = problemsOf(change);
    expect(problems).toContainEqual({ field, message: expect.stringMatching(message) as string });
    for (const p of problems) expect(p.message.startsWith(`${p.field}: `)).toBe(true);
  });

  it('accepts an order flow that reads Commerce events and writes into the ERP', () => {
    const problems = problemsOf({
      flow: 'order',
      entity: 'salesOrder',
      source: { connection: 'kafka', kafka: { topic: 'commerce.orders' } },
      sink: { connection: 'erp-netsuite', suiteql: { recordType: 'salesOrder' } },
      mapping: {
        fields: {
          orderNumber: { path: 'increment_id', type: 'string' },
          customerExternalId: {
            path: 'extension_attributes.company_order_attributes.company_id',
            type: 'string',
          },
          lines: { path: 'items', type: 'array' },
        },
      },
    });
    expect(problems).toEqual([]);
  });

  it('says where an order flow must write', () => {
    const problems = problemsOf({ flow: 'order', entity: 'salesOrder' });
    expect(problems.map((p) => p.field)).toContain('spec.sink.connection');
    expect(problems.find((p) => p.field === 'spec.sink.connection')?.message).toMatch(
      /writes into the ERP/,
    );
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({
        schedule: '0 0 31 2 *',
        timeZone: 'Mars/Olympus',
        state: { connection: 'nope' },
      }).map((p) => p.field),
    ).toEqual(['spec.schedule', 'spec.timeZone', 'spec.state.connection']);
  });
});

describe('checkTimeZone', () => {
  it.each(['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires'])(
    'accepts %s',
    (zone) => {
      expect(checkTimeZone(zone)).toBeUndefined();
    },
  );

  it('suggests the zone a city name belongs to', () => {
    expect(checkTimeZone('Berlin')).toBe(
      '"Berlin" is not an IANA time zone; write a Region/City name, e.g. Europe/Berlin',
    );
  });
});
