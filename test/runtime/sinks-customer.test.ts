// The customer flows (company, buyer, address) through the pipeline, the gate in real Redis and
// the customer sinks, against the Commerce double: every record sent three times in shuffled
// order with older versions after newer ones, and creates whose answers are lost (applied,
// then 503). Commerce must end equal to the source: one company per ERP id, one customer per
// buyer, and each owner's addresses exactly the source's complete list.
import { describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  exampleFields,
  flowDocumentFor,
  pipelineFor,
  sapCompany as company,
  shuffledRounds,
  token,
  type PipelineRun,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceForFile(token);

// The example flows' mappings (flow-customer-company.yaml, flow-customer-address.yaml).
const fieldsOf = {
  company: exampleFields('flow-customer-company.yaml'),
  buyer: {
    externalId: { path: 'ContactPerson', type: 'string' },
    companyExternalId: { path: 'BusinessPartner', type: 'string' },
    email: { path: 'Email', type: 'string' },
    firstName: { path: 'FirstName', type: 'string' },
    lastName: { path: 'LastName', type: 'string' },
  },
  address: exampleFields('flow-customer-address.yaml'),
};

function customerFlow(entity: keyof typeof fieldsOf): PipelineRun {
  return pipelineFor(
    flowDocumentFor({
      instanceId: uniqueName('i'),
      name: uniqueName(`customer-${entity}`),
      flow: 'customer',
      entity,
      fields: {
        ...fieldsOf[entity],
        version: { path: 'seq', type: 'integer' },
        deleted: { path: 'deleted', type: 'boolean' },
      },
      sinkConnection: commerceConnection(testbed.commerce.url),
      kafkaBrokers: env.kafkaBrokers,
      topic: 'unused',
      redisUrl: env.redisUrl,
    }),
    env.redisUrl,
  );
}

const lostAnswer = (route: string, count: number): void =>
  testbed.commerce.failNext(count, { status: 503, route, afterCommit: true, retryAfterSeconds: 0 });

describe('customer sinks', () => {
  it('companies, buyers and addresses equal the source after repeats, reordering and lost answers', async () => {
    const p = uniqueName('BP');
    const [c1, c2] = [`${p}-1`, `${p}-2`];
    const { state } = testbed.commerce;
    // A customer who registered in the shop before the ERP knew her: adopted by email.
    const existing = state.customers.create({
      email: `eve@${p}.test`,
      firstname: 'E',
      lastname: 'X',
    });

    lostAnswer('POST /V1/company/', 1);
    lostAnswer('POST /V1/customers', 2);
    const companies = customerFlow('company');
    await companies.run([
      [company(c1, 2)],
      ...shuffledRounds([1, 2].flatMap((s) => [company(c1, s), company(c2, s)])),
    ]);
    await companies.close();

    const buyer = (id: string, bp: string, seq: number, email = `${id}@${p}.test`) => ({
      ContactPerson: id,
      BusinessPartner: bp,
      Email: email,
      FirstName: `First ${id}`,
      LastName: `Last v${seq}`,
      seq,
    });
    const buyers = customerFlow('buyer');
    const b = [`${p}-B1`, `${p}-B2`, `${p}-B3`];
    await buyers.run(
      shuffledRounds([
        ...[1, 2].map((s) => buyer(b[0] ?? '', c1, s)),
        ...[1, 2].map((s) => buyer(b[1] ?? '', c1, s)),
        ...[1, 2].map((s) => buyer(b[2] ?? '', c2, s, existing.email)),
      ]),
    );
    await buyers.close();

    const address = (owner: string, id: string, seq: number, deleted = false) => ({
      AddressID: id,
      Customer: owner,
      Street: `${seq} Main St`,
      City: `City v${seq}`,
      PostalCode: '60601',
      Country: 'US',
      seq,
      ...(deleted ? { deleted: true } : {}),
    });
    const addresses = customerFlow('address');
    const b1 = b[0] ?? '';
    await addresses.run([
      [address(b1, 'A1', 1), address(b1, 'A2', 1), address(b1, 'A3', 1), address(c1, 'A10', 1)],
      ...shuffledRounds([
        address(b1, 'A1', 2),
        address(b1, 'A1', 1),
        address(b1, 'A2', 2, true),
        address(c1, 'A10', 2),
      ]),
    ]);
    await addresses.close();

    for (const id of [c1, c2]) {
      const found = [...state.companies.values()].filter((c) => c.reseller_id === id);
      expect(found.map((c) => [c.company_name, c.company_email])).toEqual([
        [`${id} GmbH v2`, `admin@${id.toLowerCase()}.test`],
      ]);
    }
    const companyId = (id: string) =>
      [...state.companies.values()].find((c) => c.reseller_id === id)?.id;
    for (const [i, id] of b.entries()) {
      const found = state.customers.withAttribute('erp_id', id);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        firstname: `First ${id}`,
        lastname: 'Last v2',
        extension_attributes: {
          company_attributes: { company_id: companyId(i < 2 ? c1 : c2), status: 1 },
        },
      });
    }
    expect(state.customers.withAttribute('erp_id', b[2] ?? '')[0]?.id).toBe(existing.id);
    const admins = [c1, c2].map((id) =>
      state.customers.byEmail(`admin@${id.toLowerCase()}.test`, 1),
    );
    expect(admins.every((a) => a !== undefined)).toBe(true);
    const book = (customerId: number | undefined) =>
      (state.customers.customers.get(customerId ?? -1)?.addresses ?? [])
        .map((a) => [a.custom_attributes?.[0]?.value, a.city])
        .sort();
    expect(book(state.customers.withAttribute('erp_id', b1)[0]?.id)).toEqual([
      ['A1', 'City v2'],
      ['A3', 'City v1'],
    ]);
    expect(book(admins[0]?.id)).toEqual([['A10', 'City v2']]);
    for (const flow of [companies, buyers, addresses]) expect(flow.deadLetters).toEqual([]);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('a buyer of an unknown company and an address of an unknown owner are dead-lettered once with their reason', async () => {
    const p = uniqueName('NX');
    const buyers = customerFlow('buyer');
    const orphan = {
      ContactPerson: `${p}-B`,
      BusinessPartner: `${p}-none`,
      Email: `${p}@x.test`,
      FirstName: 'A',
      LastName: 'B',
      seq: 1,
    };
    await buyers.run([[orphan], [orphan]]);
    await buyers.close();
    const addresses = customerFlow('address');
    const row = {
      AddressID: 'A1',
      Customer: `${p}-none`,
      Street: 'x',
      City: 'y',
      PostalCode: '1',
      Country: 'US',
      seq: 1,
    };
    await addresses.run([[row], [row]]);
    await addresses.close();
    expect(buyers.deadLetters.map((d) => d.reasonCode)).toEqual(['SF_UNKNOWN_COMPANY']);
    expect(addresses.deadLetters.map((d) => d.reasonCode)).toEqual(['SF_UNKNOWN_OWNER']);
    expect(testbed.commerce.state.customers.byEmail(`${p}@x.test`, 1)).toBeUndefined();
  });
});
