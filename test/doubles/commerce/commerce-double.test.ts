// Conformance of the Commerce double with the real API's behaviour and traps
// (../shared/notes/commerce-erp-apis.md §0, §1.4, §1.6), and with Adobe's published schema.
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
  auth = token,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${commerce.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const item = (sku: string, quantity: number) => ({ sku, source_code: 'wh1', quantity, status: 1 });

describe('Commerce double: inventory traps', () => {
  it('upserts source items on (sku, source_code) and answers a void 200 []', async () => {
    expect(
      await call('POST', '/rest/all/V1/inventory/source-items', { sourceItems: [item('UP-1', 5)] }),
    ).toMatchObject({ status: 200, body: [] });
    await call('POST', '/rest/all/V1/inventory/source-items', {
      sourceItems: [item('UP-1', 7), { ...item('UP-1', 2), source_code: 'wh2' }],
    });
    expect(commerce.state.sourceItem('UP-1', 'wh1')).toMatchObject({ quantity: 7 });
    expect(commerce.state.sourceItem('UP-1', 'wh2')).toMatchObject({ quantity: 2 });
    expect(commerce.state.writesOf('sourceItem', 'UP-1|wh1')).toHaveLength(2);
  });

  it('accepts unknown SKUs silently and stores them as orphans (magento2#30274)', async () => {
    commerce.state.knownSkus.add('KNOWN-1');
    expect(
      await call('POST', '/rest/default/V1/inventory/source-items', {
        sourceItems: [item('GHOST-1', 3), item('KNOWN-1', 1)],
      }),
    ).toMatchObject({ status: 200, body: [] });
    expect(commerce.state.orphanSourceItems().map((i) => i.sku)).toContain('GHOST-1');
    expect(commerce.state.orphanSourceItems().map((i) => i.sku)).not.toContain('KNOWN-1');
  });

  it('applies Commerce source-item validation beyond the schema (empty source_code, status 0|1)', async () => {
    const answer = await call('POST', '/rest/all/V1/inventory/source-items', {
      sourceItems: [{ sku: 'V-1', source_code: '', quantity: 1, status: 3 }],
    });
    expect(answer).toMatchObject({ status: 400, body: { message: 'Validation Failed' } });
    expect(commerce.state.sourceItem('V-1', '')).toBeUndefined();
  });

  it('returns the last page again when paging past the end (magento2#3787)', async () => {
    for (let i = 0; i < 5; i++)
      await call('POST', '/rest/all/V1/inventory/source-items', {
        sourceItems: [{ ...item(`PG-${i}`, i), source_code: 'pg' }],
      });
    const page = (n: number, style: 'snake' | 'camel') =>
      call(
        'GET',
        `/rest/all/V1/inventory/source-items?searchCriteria[${style === 'snake' ? 'filter_groups' : 'filterGroups'}][3][filters][7][field]=source_code&searchCriteria[${style === 'snake' ? 'filter_groups' : 'filterGroups'}][3][filters][7][value]=pg&searchCriteria[pageSize]=2&searchCriteria[currentPage]=${n}`,
      );
    const third = await page(3, 'snake');
    const ninth = await page(9, 'camel');
    expect(third).toMatchObject({ status: 200, body: { total_count: 5 } });
    expect((third.body as { items: unknown[] }).items).toEqual(
      (ninth.body as { items: unknown[] }).items,
    );
    expect((ninth.body as { items: { sku: string }[] }).items.map((i) => i.sku)).toEqual(['PG-4']);
  });
});

describe('Commerce double: the published schema judges every request', () => {
  it.each([
    [
      'an unknown property (qty instead of quantity)',
      '/rest/all/V1/inventory/source-items',
      { sourceItems: [{ sku: 'X', source_code: 'wh1', qty: 1 }] },
      'qty',
    ],
    [
      'a missing body wrapper',
      '/rest/all/V1/inventory/source-items',
      [item('X', 1)],
      'must be object',
    ],
    [
      'a wrong type',
      '/rest/all/V1/inventory/source-items',
      { sourceItems: [{ ...item('X', 1), quantity: '5' }] },
      'number',
    ],
    ['malformed JSON', '/rest/all/V1/inventory/source-items', '{"sourceItems": [', 'not JSON'],
  ])('rejects %s with 400 and records the violation', async (_name, path, body, fragment) => {
    const before = commerce.violations.length;
    const answer = await call('POST', path, body);
    expect(answer.status).toBe(400);
    expect(
      commerce.violations
        .slice(before)
        .map((v) => v.problem)
        .join(' '),
    ).toContain(fragment);
  });

  it('rejects a credit PUT without exceed_limit (required by the schema) and a non-integer id', async () => {
    const before = commerce.violations.length;
    expect(
      (await call('PUT', '/rest/all/V1/companyCredits/1', { creditLimit: { credit_limit: 5 } }))
        .status,
    ).toBe(400);
    expect((await call('GET', '/rest/all/V1/companyCredits/company/abc')).status).toBe(400);
    expect(commerce.violations.length).toBe(before + 2);
  });

  it('answers 404 for a route the contract lacks and 405 for a wrong method', async () => {
    expect((await call('POST', '/rest/all/V1/inventory/nothing-here', {})).status).toBe(404);
    expect((await call('DELETE', '/rest/all/V1/inventory/source-items')).status).toBe(405);
  });
});

describe('Commerce double: companies and credit', () => {
  it('finds a company by reseller_id, sets the credit limit absolutely and blocks by status', async () => {
    const company = commerce.state.addCompany(
      { company_name: 'ACME', reseller_id: 'ERP-42' },
      { currency_code: 'EUR' },
    );
    const found = await call(
      'GET',
      '/rest/all/V1/company/?searchCriteria[filter_groups][0][filters][0][field]=reseller_id&searchCriteria[filter_groups][0][filters][0][value]=ERP-42&searchCriteria[filter_groups][0][filters][0][condition_type]=eq',
    );
    expect(found.body).toMatchObject({ total_count: 1, items: [{ id: company.id }] });
    const credit = (await call('GET', `/rest/all/V1/companyCredits/company/${company.id}`))
      .body as { id: number };
    const put = await call('PUT', `/rest/all/V1/companyCredits/${credit.id}`, {
      creditLimit: {
        id: credit.id,
        company_id: company.id,
        credit_limit: 5000,
        currency_code: 'EUR',
        exceed_limit: false,
      },
    });
    expect(put).toMatchObject({ status: 200, body: { credit_limit: 5000, available_limit: 5000 } });
    const mismatch = await call('PUT', `/rest/all/V1/companyCredits/${credit.id}`, {
      creditLimit: {
        id: credit.id,
        company_id: company.id + 1000,
        credit_limit: 1,
        exceed_limit: false,
      },
    });
    expect(mismatch.status).toBe(400);
    expect(
      (
        await call('PUT', `/rest/all/V1/company/${company.id}`, {
          company: { ...company, status: 3 },
        })
      ).status,
    ).toBe(200);
    expect(commerce.state.companies.get(company.id)?.status).toBe(3);
    expect(await call('GET', '/rest/all/V1/company/99999')).toMatchObject({
      status: 404,
      body: { message: 'No such entity with %fieldName = %fieldValue' },
    });
  });
});

describe('Commerce double: faults and auth', () => {
  it('injects 429/503 with Retry-After, then answers normally', async () => {
    commerce.failNext(1, { status: 503, retryAfterSeconds: 2, route: 'source-items' });
    const refused = await call('POST', '/rest/all/V1/inventory/source-items', {
      sourceItems: [item('F-1', 1)],
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(commerce.state.sourceItem('F-1', 'wh1')).toBeUndefined();
    expect(
      (await call('POST', '/rest/all/V1/inventory/source-items', { sourceItems: [item('F-1', 1)] }))
        .status,
    ).toBe(200);
  });

  it('refuses a wrong token with 401', async () => {
    expect((await call('GET', '/rest/all/V1/company/1', undefined, 'wrong')).status).toBe(401);
  });
});
