// Conformance of the Commerce double with the traps of catalog and customer master data
// (../shared/notes/commerce-erp-apis.md §1.6, §1.8), every request judged by the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from './commerce-double.ts';

let commerce: CommerceDouble;
const token = 'integration-token';

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken: token });
});
afterAll(() => commerce.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${commerce.url}/rest/all${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

describe('Commerce double: catalog and customer master', () => {
  it('adds an option on every call, so the same label twice is two options', async () => {
    const add = { option: { label: 'Green', value: '' } };
    await call('POST', '/V1/products/attributes/color/options', add);
    await call('POST', '/V1/products/attributes/color/options', add);
    const list = await call('GET', '/V1/products/attributes/color/options');
    expect((list.body as { label: string }[]).filter((o) => o.label === 'Green')).toHaveLength(2);
    expect(commerce.violations).toEqual([]);
  });

  it('refuses a sibling category with the same URL key, and a new product without a price', async () => {
    const category = { category: { parent_id: 2, name: 'Power Tools', is_active: true } };
    expect((await call('POST', '/V1/categories', category)).status).toBe(200);
    const again = await call('POST', '/V1/categories', category);
    expect(again).toEqual({
      status: 400,
      body: expect.objectContaining({
        message: 'URL key for specified store already exists.',
      }) as unknown,
    });
    const product = { product: { sku: 'NEW-1', name: 'New' }, saveOptions: true };
    expect((await call('PUT', '/V1/products/NEW-1', product)).status).toBe(400);
    expect(commerce.violations).toEqual([]);
  });

  it('creates a second company on a repeated create; addresses[] in a PUT is the final list', async () => {
    const admin = await call('POST', '/V1/customers', {
      customer: { email: 'boss@dup.test', firstname: 'B', lastname: 'S' },
    });
    const id = (admin.body as { id: number }).id;
    const company = {
      company: {
        company_name: 'Dup Inc',
        reseller_id: 'DUP',
        street: ['1 Main'],
        customer_group_id: 1,
        sales_representative_id: 1,
        reject_reason: '',
        rejected_at: '',
        super_user_id: id,
      },
    };
    await call('POST', '/V1/company/', company);
    await call('POST', '/V1/company/', company);
    const dup = [...commerce.state.companies.values()].filter((c) => c.reseller_id === 'DUP');
    expect(dup).toHaveLength(2);
    const address = {
      firstname: 'B',
      lastname: 'S',
      street: ['x'],
      city: 'c',
      postcode: '1',
      country_id: 'US',
    };
    const base = { email: 'boss@dup.test', firstname: 'B', lastname: 'S' };
    await call('PUT', `/V1/customers/${id}`, {
      customer: { ...base, addresses: [address, address] },
    });
    await call('PUT', `/V1/customers/${id}`, { customer: base });
    expect(commerce.state.customers.customers.get(id)?.addresses).toHaveLength(2);
    await call('PUT', `/V1/customers/${id}`, { customer: { ...base, addresses: [address] } });
    expect(commerce.state.customers.customers.get(id)?.addresses).toHaveLength(1);
    const twin = await call('POST', '/V1/customers', { customer: base });
    expect(twin.status).toBe(400);
    expect(commerce.violations).toEqual([]);
  });
});
