// The Commerce orders delta reader against the Commerce double: `searchCriteria` on
// `updated_at` (gteq, sorted by updated_at and entity_id), orders sharing a second across a
// page boundary, an order changed while the read pages, and no endless read although Commerce
// answers every page past the end with its last page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommerceDouble, type CommerceDouble } from '../doubles/commerce/commerce-double.ts';
import { ErpClient } from '../../runtime/sources/erp-client.ts';
import { DeltaSource } from '../../runtime/sources/delta-source.ts';
import { commerceReaderFor } from '../../runtime/sources/rest.ts';
import { bearerToken } from './runtime-fixture.ts';

let commerce: CommerceDouble;
let client: ErpClient;

beforeAll(async () => {
  commerce = await startCommerceDouble({ bearerToken });
  client = new ErpClient({
    url: commerce.url,
    authorization: `Bearer ${bearerToken}`,
    queryParameters: {},
    requestTimeoutMs: 5000,
    maxInFlight: 2,
  });
});
afterAll(async () => {
  await client.close();
  await commerce.close();
});

const spec = {
  path: '/V1/orders',
  modifiedField: 'updated_at',
  keyField: 'entity_id',
  pageSize: 5,
  overlap: '2m',
};

async function readAll(
  sinceMs: number,
  between: (pages: number) => void = () => undefined,
): Promise<{ seen: Map<string, string>; batches: number }> {
  const source = new DeltaSource({
    reader: commerceReaderFor(client, spec),
    start: { sinceMs },
    pageSize: spec.pageSize,
  });
  const seen = new Map<string, string>();
  let batches = 0;
  await source.run(async (batch) => {
    batches += 1;
    for (const m of batch.messages) {
      const event = JSON.parse(Buffer.from(m.value ?? []).toString('utf8')) as {
        data: { increment_id: string; status: string };
      };
      seen.set(event.data.increment_id, event.data.status);
    }
    between(batches);
    return Promise.resolve();
  }, new AbortController().signal);
  return { seen, batches };
}

describe('Commerce orders poll', () => {
  it('reads every order changed since the time once, ties and changes during paging included', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
    const orders = Array.from({ length: 12 }, (_, i) =>
      commerce.state.addOrder(
        `CO-${base}-${i}`,
        [{ sku: 'S', qty: 1 }],
        i < 7 ? base : base + (i - 6) * 1000,
      ),
    );
    const searches = (): number =>
      commerce.requests.filter((r) => r.method === 'GET' && r.route === 'GET /V1/orders').length;
    const before = searches();
    const { seen } = await readAll(base, (batch) => {
      // After the first page: an order already read and one not read yet change.
      if (batch === 1) {
        commerce.state.touchOrder(orders[0]?.entity_id ?? 0, 'holded', base + 20_000);
        commerce.state.touchOrder(orders[9]?.entity_id ?? 0, 'complete', base + 21_000);
      }
    });
    expect([...seen.keys()].sort()).toEqual(orders.map((o) => o.increment_id).sort());
    expect(seen.get(`CO-${base}-0`)).toBe('holded');
    expect(seen.get(`CO-${base}-9`)).toBe('complete');
    // 12 orders + the 2 changed ones = 14 rows, 5 a page: a handful of searches, not a loop
    // on the repeated last page.
    expect(searches() - before).toBeLessThanOrEqual(5);
  });

  it('stops at the end although Commerce repeats the last page past it', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 + 7_200_000;
    // Ten orders in one second: no seek is possible, only page numbers, until the repeat.
    for (let i = 0; i < 10; i++)
      commerce.state.addOrder(`CR-${base}-${i}`, [{ sku: 'S', qty: 1 }], base);
    const { seen, batches } = await readAll(base);
    expect(seen.size).toBe(10);
    expect(batches).toBe(2);
  });
});
