import { describe, expect, it } from 'vitest';
import { recordFor, type FlowDefinition, type MessageIn } from './flow.ts';

const fields = {
  externalId: { path: 'Id', type: 'string' },
  ownerExternalId: { path: 'Owner', type: 'string' },
  companyExternalId: { path: 'Company', type: 'string' },
  name: { path: 'Name', type: 'string' },
  email: { path: 'Email', type: 'string' },
  firstName: { path: 'First', type: 'string' },
  lastName: { path: 'Last', type: 'string' },
  street: { path: 'Street', type: 'string' },
  city: { path: 'City', type: 'string' },
  postcode: { path: 'Zip', type: 'string' },
  countryId: { path: 'Country', type: 'string' },
  sku: { path: 'SKU', type: 'string' },
  categories: { path: 'Categories', type: 'array' },
  options: { path: 'Attributes', type: 'object' },
  optionCountryOfManufacture: { path: 'Origin', type: 'string' },
  version: { path: 'seq', type: 'integer' },
  deleted: { path: 'deleted', type: 'boolean' },
} as const;

const definition = (flow: 'customer' | 'catalog', entity: string): FlowDefinition => ({
  flow,
  entity,
  options: { fields, deletes: 'apply', defaults: {} },
});

function message(data: Record<string, unknown>): MessageIn {
  return {
    key: null,
    value: Buffer.from(JSON.stringify({ seq: 1, ...data })),
    headers: {},
    timestampMs: 1,
    position: 'p/0/1',
  };
}

describe('customer and catalog records', () => {
  it.each([
    [
      'customer',
      'company',
      { Id: 1000, Name: 'Acme', Email: 'a@acme.test', Street: 'Main 1' },
      '1000',
      { externalId: '1000', name: 'Acme', street: ['Main 1'] },
    ],
    [
      'customer',
      'buyer',
      { Id: 'C7', Company: 1000, Email: 'b@acme.test', First: 'B', Last: 'C' },
      'C7',
      { companyExternalId: '1000', active: true },
    ],
    ['customer', 'buyer', { Id: 'C7', deleted: true }, 'C7', { active: false }],
    [
      'customer',
      'address',
      { Id: 'A1', Owner: 1000, Street: 'Main 1\nSuite 2', City: 'X', Zip: '1', Country: 'US' },
      '1000|A1',
      { ownerExternalId: '1000', street: ['Main 1', 'Suite 2'] },
    ],
    [
      'catalog',
      'product',
      {
        SKU: 'S',
        Name: 'Drill',
        Categories: ['Tools/Drills', ' '],
        Attributes: { color: 'Red' },
        Origin: 'DE',
      },
      'S',
      {
        categories: ['Tools/Drills'],
        options: { color: 'Red', country_of_manufacture: 'DE' },
        status: 1,
      },
    ],
  ] as const)('%s/%s maps %j', (...[flow, entity, data, key, expected]) => {
    const result = recordFor(message(data), definition(flow, entity));
    expect(result).toMatchObject({ envelope: { key, record: expected } });
  });

  it.each([
    ['customer', 'company', { Id: 1, Name: 'Acme' }, /email/],
    [
      'customer',
      'buyer',
      { Id: 'C7', Email: 'b@x.test', First: 'B', Last: 'C' },
      /companyExternalId/,
    ],
    ['customer', 'address', { Id: 'A1', Owner: 1, City: 'X', Zip: '1', Country: 'US' }, /street/],
    ['catalog', 'product', { SKU: ' ', Name: 'x' }, /sku is empty/],
  ] as const)('%s/%s refuses %j', (flow, entity, data, reason) => {
    const result = recordFor(message(data), definition(flow, entity));
    expect(result).toMatchObject({ poison: { reasonCode: 'SF_INVALID_RECORD' } });
    expect('poison' in result ? result.poison.reason : '').toMatch(reason);
  });
});
