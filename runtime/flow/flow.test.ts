import { describe, expect, it } from 'vitest';
import {
  latestPerKey,
  recordFor,
  recordsFor,
  type Envelope,
  type FlowDefinition,
  type MessageIn,
} from './flow.ts';

const inventory: FlowDefinition = {
  flow: 'inventory',
  options: {
    fields: {
      sku: { path: 'item.sku', type: 'string' },
      sourceCode: { path: 'item.warehouse', type: 'string' },
      quantity: { path: 'item.onHand', type: 'number' },
      version: { path: 'seq', type: 'integer' },
      deleted: { path: 'deleted', type: 'boolean' },
      op: { path: 'op', type: 'string' },
    },
    deletes: 'ignore',
    defaults: {},
  },
};

const credit: FlowDefinition = {
  flow: 'credit',
  options: {
    fields: {
      companyExternalId: { path: 'Customer', type: 'string' },
      creditLimit: { path: 'CreditLimit', type: 'number' },
      currency: { path: 'Currency', type: 'string' },
      onHold: { path: 'Blocked', type: 'boolean' },
      modifiedAt: { path: 'LastChangeDateTime', type: 'dateTime' },
    },
    deletes: 'ignore',
    defaults: {},
  },
};

function message(value: unknown, headers: Record<string, string> = {}): MessageIn {
  return {
    key: null,
    value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
    headers,
    timestampMs: 1000,
    position: 'inv/0/7',
  };
}

const item = { sku: 'SKU-1', warehouse: 'wh1', onHand: 47 };

describe('recordFor (inventory)', () => {
  it.each([
    ['plain JSON', message({ item, seq: 3 }), { key: 'SKU-1|wh1', version: 3, eventId: 'inv/0/7' }],
    [
      'structured CloudEvent',
      message({ specversion: '1.0', id: 'e1', source: '/erp', type: 't', data: { item, seq: 4 } }),
      { key: 'SKU-1|wh1', version: 4, eventId: '/erp#e1' },
    ],
    [
      'structured CloudEvent with data_base64',
      message({
        specversion: '1.0',
        id: 'e2',
        source: '/erp',
        data_base64: Buffer.from(JSON.stringify({ item, seq: 5 })).toString('base64'),
      }),
      { key: 'SKU-1|wh1', version: 5, eventId: '/erp#e2' },
    ],
    [
      'binary CloudEvent',
      message({ item, seq: 6 }, { ce_specversion: '1.0', ce_id: 'e3', ce_source: '/erp' }),
      { key: 'SKU-1|wh1', version: 6, eventId: '/erp#e3' },
    ],
    [
      'version from the CloudEvent time',
      message({
        specversion: '1.0',
        id: 'e4',
        source: '/erp',
        time: '2026-01-01T00:00:00Z',
        data: { item },
      }),
      { key: 'SKU-1|wh1', version: Date.parse('2026-01-01T00:00:00Z'), eventId: '/erp#e4' },
    ],
  ])('maps %s', (_name, msg, expected) => {
    const result = recordFor(msg, inventory);
    expect(result).toMatchObject({
      envelope: {
        ...expected,
        deleted: false,
        record: { sku: 'SKU-1', sourceCode: 'wh1', quantity: 47, status: 1 },
      },
    });
  });

  it.each([
    ['malformed JSON', message('{"item": '), 'SF_MALFORMED_JSON'],
    ['empty value', { ...message({}), value: null }, 'SF_EMPTY_MESSAGE'],
    ['a delta field', message({ item, seq: 1, delta: -5 }), 'SF_DELTA_EVENT'],
    ['an adjustment field', message({ item, seq: 1, adjustment: 5 }), 'SF_DELTA_EVENT'],
    ['an op other than set', message({ item, seq: 1, op: 'decrement' }), 'SF_DELTA_EVENT'],
    [
      'a missing sku',
      message({ item: { warehouse: 'wh1', onHand: 1 }, seq: 1 }),
      'SF_INVALID_RECORD',
    ],
    [
      'a non-numeric quantity',
      message({ item: { ...item, onHand: 'lots' }, seq: 1 }),
      'SF_INVALID_RECORD',
    ],
    ['no version', message({ item }), 'SF_NO_VERSION'],
  ])('dead-letters %s', (_name, msg, reasonCode) => {
    expect(recordFor(msg, inventory)).toMatchObject({ poison: { reasonCode } });
  });

  it("maps an ERP location through the connection's source codes and takes constants", () => {
    const mapped: FlowDefinition = {
      flow: 'inventory',
      options: {
        ...inventory.options,
        fields: { ...inventory.options.fields, version: { value: '7', type: 'integer' } },
        sourceCodes: { wh1: 'berlin' },
      },
    };
    expect(recordFor(message({ item }), mapped)).toMatchObject({
      envelope: { key: 'SKU-1|berlin', version: 7 },
    });
  });

  it('derives the status from the quantity and takes a default source code', () => {
    const withDefault: FlowDefinition = {
      flow: 'inventory',
      options: {
        ...inventory.options,
        fields: { ...inventory.options.fields, sourceCode: { path: 'none', type: 'string' } },
        defaults: { sourceCode: 'default' },
      },
    };
    expect(
      recordFor(message({ item: { sku: 'A', onHand: 0 }, seq: 1 }), withDefault),
    ).toMatchObject({
      envelope: { key: 'A|default', record: { quantity: 0, status: 0, sourceCode: 'default' } },
    });
  });

  it.each([
    ['ignore', { ignored: 'deleted marker ignored (deletes: ignore)' }],
    ['apply', { envelope: { deleted: true, key: 'SKU-1|wh1' } }],
  ] as const)('handles a deleted marker under deletes: %s', (deletes, expected) => {
    const definition = { ...inventory, options: { ...inventory.options, deletes } };
    expect(recordFor(message({ item, seq: 9, deleted: true }), definition)).toMatchObject(expected);
  });
});

describe('recordFor (credit)', () => {
  it.each([
    [
      {
        Customer: 'C1',
        CreditLimit: '5000.50',
        Currency: 'EUR',
        Blocked: 'X',
        LastChangeDateTime: '/Date(1747647000000+0000)/',
      },
      { companyExternalId: 'C1', creditLimit: 5000.5, currency: 'EUR', onHold: true },
      1747647000000,
    ],
    [
      { Customer: 'C2', Blocked: '', LastChangeDateTime: '2026-05-19T09:30:00Z' },
      { companyExternalId: 'C2', creditLimit: undefined, onHold: false },
      Date.parse('2026-05-19T09:30:00Z'),
    ],
  ])('maps %j', (payload, record, version) => {
    expect(recordFor(message(payload), credit)).toMatchObject({
      envelope: { key: record.companyExternalId, version, record },
    });
  });

  it.each([
    [
      { Customer: 'C1', LastChangeDateTime: '2026-05-19T09:30:00Z' },
      'neither creditLimit nor onHold',
    ],
    [{ Customer: 'C1', CreditLimit: -1, LastChangeDateTime: '2026-05-19T09:30:00Z' }, 'negative'],
    [{ CreditLimit: 1, LastChangeDateTime: '2026-05-19T09:30:00Z' }, 'companyExternalId'],
  ])('dead-letters %j', (payload, reason) => {
    const result = recordFor(message(payload), credit);
    expect(result).toMatchObject({ poison: { reasonCode: 'SF_INVALID_RECORD' } });
    expect('poison' in result && result.poison.reason).toContain(reason);
  });
});

describe('recordFor (credit from NetSuite)', () => {
  const netsuite: FlowDefinition = {
    flow: 'credit',
    options: {
      fields: {
        companyExternalId: { path: 'entityid', type: 'string' },
        creditLimit: { path: 'creditlimit', type: 'decimal' },
        onHold: {
          path: 'creditholdoverride',
          type: 'boolean',
          map: { ON: 'true', OFF: 'false', AUTO: 'false' },
        },
        modifiedAt: { path: 'lastmodifieddate', type: 'dateTime' },
      },
      deletes: 'ignore',
      defaults: {},
    },
  };
  const row = (hold: string) => ({
    entityid: 'C00001',
    creditlimit: '25000',
    creditholdoverride: hold,
    lastmodifieddate: '2026-05-19T09:30:00Z',
  });

  it.each([
    ['ON', true],
    ['OFF', false],
    ['AUTO', false],
  ])('a hold override %s reaches the record as onHold %s', (hold, onHold) => {
    expect(recordFor(message(row(hold)), netsuite)).toMatchObject({
      envelope: { record: { companyExternalId: 'C00001', creditLimit: 25000, onHold } },
    });
  });

  it('dead-letters a hold code the map does not know', () => {
    const result = recordFor(message(row('MANUAL')), netsuite);
    expect(result).toMatchObject({ poison: { reasonCode: 'SF_INVALID_RECORD' } });
    expect('poison' in result && result.poison.reason).toContain(
      '"MANUAL" is not in its value map',
    );
  });
});

describe('recordsFor and latestPerKey', () => {
  it('splits a batch and keeps the newest version per key', () => {
    const msgs = [
      message({ specversion: '1.0', id: 'a', source: 's', data: { item, seq: 2 } }),
      message({ specversion: '1.0', id: 'a', source: 's', data: { item, seq: 2 } }),
      message({ specversion: '1.0', id: 'b', source: 's', data: { item, seq: 1 } }),
      message({
        specversion: '1.0',
        id: 'c',
        source: 's',
        data: { item: { ...item, sku: 'SKU-2' }, seq: 1 },
      }),
      message({ specversion: '1.0', id: 'd', source: 's', data: { item, seq: 5 } }),
      message('not json'),
    ];
    const mapped = recordsFor(msgs, inventory);
    expect(mapped.poison).toHaveLength(1);
    const { latest, skipped } = latestPerKey(mapped.envelopes);
    expect(latest.map((e: Envelope<unknown>) => [e.key, e.version])).toEqual([
      ['SKU-1|wh1', 5],
      ['SKU-2|wh1', 1],
    ]);
    expect(skipped.map((s) => s.reason).sort()).toEqual(['duplicate', 'stale', 'stale']);
  });
});
