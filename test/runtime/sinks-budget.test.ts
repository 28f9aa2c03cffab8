// Back-pressure: a connection's concurrency budget shared through real Redis. Waiters of a
// higher priority are served first, the limit shrinks when calls get slow and grows back, and
// with the Commerce double answering in 2 s three flows sharing one connection (prices, catalog,
// credit) never have more calls in flight than the budget, credit finishes ahead of prices and
// catalog, and nothing is lost.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConcurrencyBudget, priorities } from '../../runtime/sinks/budget/budget.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  exampleFields,
  flowDocumentFor,
  pipelineFor,
  token,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const redis = new Redis(env.redisUrl);
afterAll(() => redis.disconnect());
const testbed = commerceForFile(token);

const budgetOf = (keyPrefix: string, maxInFlight = 1) =>
  new ConcurrencyBudget(redis, {
    keyPrefix,
    maxInFlight,
    leaseMs: 10_000,
    targetLatencyMs: 500,
    pollMs: 10,
  });

describe('the shared concurrency budget', () => {
  it('serves a waiting order before a catalog call that waited longer', async () => {
    const prefix = uniqueName('sf:t:budget');
    const budget = budgetOf(prefix);
    const held = await budget.acquire(priorities.urgent);
    const served: string[] = [];
    const bulk = budget.acquire(priorities.bulk).then((lease) => (served.push('catalog'), lease));
    await eventually(async () => expect(await redis.zcard(`${prefix}:waiting:2`)).toBe(1));
    const urgent = budget.acquire(priorities.urgent).then((lease) => (served.push('order'), lease));
    await eventually(async () => expect(await redis.zcard(`${prefix}:waiting:0`)).toBe(1));
    await held.release(10);
    await (await urgent).release(10);
    await (await bulk).release(10);
    expect(served).toEqual(['order', 'catalog']);
  });

  it('shrinks the limit on slow calls (never below 1) and grows it back on fast ones', async () => {
    const budget = budgetOf(uniqueName('sf:t:budget'), 8);
    for (let i = 0; i < 12; i++) await (await budget.acquire(priorities.normal)).release(5000);
    // One decrease per slow window: the clock has not moved 5 s, so only the first counted.
    expect(await budget.limit()).toBeCloseTo(5.6, 5);
    for (let i = 0; i < 60; i++) await (await budget.acquire(priorities.normal)).release(5);
    expect(await budget.limit()).toBe(8);
  });
});

describe('back-pressure with Commerce answering in 2 s', () => {
  it('keeps prices, catalog and credit within the connection budget, credit first, nothing lost', async () => {
    const instanceId = uniqueName('i');
    const maxInFlight = 3;
    const flowOf = (
      flow: string,
      entity: string,
      fields: Record<string, { path: string; type: string }>,
      batchSize = 20,
    ) =>
      pipelineFor(
        flowDocumentFor({
          instanceId,
          name: uniqueName(flow.toLowerCase()),
          flow,
          entity,
          fields,
          // requestTimeout 4s: calls slower than 1 s shrink the shared limit.
          sinkConnection: commerceConnection(testbed.commerce.url, maxInFlight, '4s'),
          sink: { commerce: { batchSize } },
          kafkaBrokers: env.kafkaBrokers,
          topic: 'unused',
          redisUrl: env.redisUrl,
          deletes: 'ignore',
        }),
        env.redisUrl,
      );
    const p = uniqueName('BP');
    const skus = Array.from({ length: 8 }, (_, i) => `${p}-${i}`);
    for (const sku of skus) testbed.commerce.state.knownSkus.add(sku);
    const companies = [1, 2].map((i) =>
      testbed.commerce.state.addCompany({ company_name: `${p} ${i}`, reseller_id: `${p}-C${i}` }),
    );
    const pricing = flowOf(
      'pricing',
      'base',
      {
        sku: { path: 'sku', type: 'string' },
        price: { path: 'price', type: 'decimal' },
        version: { path: 'seq', type: 'integer' },
      },
      1,
    );
    const catalog = flowOf(
      'catalog',
      'product',
      { ...exampleFields('flow-catalog-products.yaml'), version: { path: 'seq', type: 'integer' } },
      1,
    );
    const products = Array.from({ length: 4 }, (_, i) => `${p}-P${i}`);
    const credit = flowOf('credit', 'companyCredit', {
      companyExternalId: { path: 'customer', type: 'string' },
      creditLimit: { path: 'limit', type: 'decimal' },
      version: { path: 'seq', type: 'integer' },
    });
    testbed.commerce.setLatency(2000);
    testbed.commerce.resetMaxInFlight();
    const finished: Record<string, number> = {};
    const started = Date.now();
    const pricingRun = pricing
      .run([skus.map((sku, i) => ({ sku, price: 10 + i, seq: 1 }))])
      .then(() => (finished['pricing'] = Date.now() - started));
    const catalogRun = catalog
      .run([
        products.map((sku) => ({
          Product: sku,
          to_Description: { results: [{ ProductDescription: `${sku} name` }] },
          GrossWeight: '2',
          seq: 1,
        })),
      ])
      .then(() => (finished['catalog'] = Date.now() - started));
    // Credit arrives while the prices already hold the whole budget.
    await eventually(() => expect(testbed.commerce.inFlight().now).toBeGreaterThan(0));
    const creditRun = credit
      .run([companies.map((c, i) => ({ customer: c.reseller_id, limit: 5000 + i, seq: 1 }))])
      .then(() => (finished['credit'] = Date.now() - started));
    await Promise.all([pricingRun, catalogRun, creditRun]);
    testbed.commerce.setLatency(0);
    await Promise.all([pricing.close(), catalog.close(), credit.close()]);
    expect(testbed.commerce.inFlight().max).toBeLessThanOrEqual(maxInFlight);
    expect(finished['credit']).toBeLessThan(finished['pricing'] ?? 0);
    expect(finished['credit']).toBeLessThan(finished['catalog'] ?? 0);
    for (const sku of products)
      expect(testbed.commerce.state.catalog.products.get(sku)).toMatchObject({
        name: `${sku} name`,
      });
    skus.forEach((sku, i) =>
      expect(testbed.commerce.state.basePrices.get(`${sku}|0`)?.price).toBe(10 + i),
    );
    companies.forEach((c, i) =>
      expect(testbed.commerce.state.creditOfCompany(c.id)?.credit_limit).toBe(5000 + i),
    );
    expect(Number(await redis.hget(`sf:${instanceId}:budget:target:state`, 'limit'))).toBeLessThan(
      maxInFlight,
    );
    expect([...pricing.deadLetters, ...catalog.deadLetters, ...credit.deadLetters]).toEqual([]);
  }, 180_000);
});
