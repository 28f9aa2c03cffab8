// Conformance of the Commerce double with the traps of prices, shipments and invoices
// (../shared/notes/commerce-erp-apis.md §0.1, §0.4, §1.6), every request judged by the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from './commerce-double.ts';

let commerce: CommerceDouble;
const token = 'integration-token';

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken: token });
  for (const sku of ['P-1', 'P-2', 'S-1']) commerce.state.knownSkus.add(sku);
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

const tier = (sku: string, quantity: number, price: number) => ({
  sku,
  website_id: 0,
  customer_group: 'General',
  quantity,
  price,
  price_type: 'fixed',
});

describe('Commerce double: price storages', () => {
  it('answers 200 with the rejected rows and applies the others', async () => {
    const answer = await call('POST', '/V1/products/base-prices', {
      prices: [
        { sku: 'P-1', store_id: 0, price: 5 },
        { sku: 'GHOST', store_id: 0, price: 5 },
        { sku: 'P-2', store_id: 0, price: -1 },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      expect.objectContaining({ parameters: ['GHOST'] }),
      expect.objectContaining({ parameters: ['-1', 'P-2'] }),
    ]);
    expect(commerce.state.basePrices.get('P-1|0')?.price).toBe(5);
  });

  it('POST adds tier rows, PUT replaces the whole list of each SKU it names', async () => {
    await call('POST', '/V1/products/tier-prices', {
      prices: [tier('P-1', 10, 9), tier('P-1', 20, 8)],
    });
    await call('POST', '/V1/products/tier-prices', { prices: [tier('P-2', 5, 7)] });
    expect(commerce.state.tierPrices.get('P-1')).toHaveLength(2);
    await call('PUT', '/V1/products/tier-prices', { prices: [tier('P-1', 50, 6)] });
    expect(commerce.state.tierPrices.get('P-1')).toEqual([tier('P-1', 50, 6)]);
    expect(commerce.state.tierPrices.get('P-2')).toEqual([tier('P-2', 5, 7)]);
  });

  it('refuses an overlapping special-price range with a 200 row failure (content staging)', async () => {
    const row = {
      sku: 'S-1',
      store_id: 0,
      price: 3,
      price_from: '2026-06-01 00:00:00',
      price_to: '2026-06-07 00:00:00',
    };
    expect(await call('POST', '/V1/products/special-price', { prices: [row] })).toEqual({
      status: 200,
      body: [],
    });
    const again = await call('POST', '/V1/products/special-price', {
      prices: [{ ...row, price: 2 }],
    });
    expect(again.body).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/Future Update/) as unknown }),
    ]);
    await call('POST', '/V1/products/special-price-delete', { prices: [row] });
    expect(
      await call('POST', '/V1/products/special-price', { prices: [{ ...row, price: 2 }] }),
    ).toEqual({ status: 200, body: [] });
    expect(commerce.state.specialPrices.filter((p) => p.sku === 'S-1').map((p) => p.price)).toEqual(
      [2],
    );
  });
});

describe('Commerce double: shipments and invoices', () => {
  it('creates a second shipment on a repeated call while open quantity remains', async () => {
    const order = commerce.state.addOrder('000000101', [{ sku: 'A', qty: 4 }]);
    const item = order.items[0]?.item_id ?? 0;
    const body = {
      items: [{ order_item_id: item, qty: 2 }],
      appendComment: true,
      comment: { comment: 'ERP delivery 8001', is_visible_on_front: 0 },
    };
    const first = await call('POST', `/V1/order/${order.entity_id}/ship`, body);
    const second = await call('POST', `/V1/order/${order.entity_id}/ship`, body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).not.toBe(first.body);
    expect(commerce.state.documentsOf('shipment', order.entity_id)).toHaveLength(2);
    const third = await call('POST', `/V1/order/${order.entity_id}/ship`, body);
    expect(third).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/does not allow a shipment/) as unknown },
    });
  });

  it('refuses more than the open quantity and lists documents by order_id', async () => {
    const order = commerce.state.addOrder('000000102', [{ sku: 'A', qty: 1 }]);
    const item = order.items[0]?.item_id ?? 0;
    const over = await call('POST', `/V1/order/${order.entity_id}/invoice`, {
      items: [{ order_item_id: item, qty: 2 }],
    });
    expect(over).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/Invoice Document Validation/) as unknown },
    });
    await call('POST', `/V1/order/${order.entity_id}/invoice`, {
      items: [{ order_item_id: item, qty: 1 }],
    });
    const list = await call(
      'GET',
      `/V1/invoices?searchCriteria[filter_groups][0][filters][0][field]=order_id&searchCriteria[filter_groups][0][filters][0][value]=${order.entity_id}`,
    );
    expect(list.body).toMatchObject({ total_count: 1 });
    expect(commerce.violations).toEqual([]);
  });

  it('counts the requests it answers at once', async () => {
    commerce.setLatency(200);
    commerce.resetMaxInFlight();
    await Promise.all([1, 2, 3].map(() => call('GET', '/V1/orders?searchCriteria[pageSize]=1')));
    commerce.setLatency(0);
    expect(commerce.inFlight().max).toBe(3);
  });
});
