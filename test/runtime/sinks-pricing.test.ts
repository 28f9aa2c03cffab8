// Pricing flows (poll and batch in the examples) through the pipeline, the gate in real Redis
// and the price sinks, against the Commerce double: every record sent three times in shuffled
// order, older versions after newer ones. Commerce must end equal to the source, with no stale
// row, and rows Commerce refuses in a 200 body dead-lettered with its reason.
import { describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  flowDocumentFor,
  pipelineFor,
  shuffledRounds,
  token,
  type PipelineRun,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceForFile(token);

const fields = {
  sku: { path: 'Material', type: 'string' },
  price: { path: 'NetPrice', type: 'decimal' },
  customerGroup: { path: 'Group', type: 'string' },
  quantity: { path: 'MinQty', type: 'number' },
  priceFrom: { path: 'ValidFrom', type: 'date' },
  priceTo: { path: 'ValidTo', type: 'date' },
  sharedCatalog: { path: 'PriceList', type: 'string' },
  version: { path: 'seq', type: 'integer' },
  deleted: { path: 'deleted', type: 'boolean' },
};

function pricingFlow(entity: string, batchSize = 20): PipelineRun {
  return pipelineFor(
    flowDocumentFor({
      instanceId: uniqueName('i'),
      name: uniqueName(`pricing-${entity.toLowerCase()}`),
      flow: 'pricing',
      entity,
      fields,
      sinkConnection: commerceConnection(testbed.commerce.url),
      sink: { commerce: { batchSize } },
      kafkaBrokers: env.kafkaBrokers,
      topic: 'unused',
      redisUrl: env.redisUrl,
    }),
    env.redisUrl,
  );
}

const known = (...skus: string[]): string[] => {
  for (const sku of skus) testbed.commerce.state.knownSkus.add(sku);
  return skus;
};

describe('pricing sinks', () => {
  it('tier: Commerce holds exactly the flow list of each SKU, stale rows gone, rejected rows dead-lettered', async () => {
    const p = uniqueName('T');
    const skus = known(`${p}-1`, `${p}-2`, `${p}-3`);
    // A row nobody sends any more (set by hand or by an old run) must disappear.
    testbed.commerce.state.tierPrices.set(skus[0] ?? '', [
      {
        sku: skus[0] ?? '',
        website_id: 0,
        customer_group: 'Retail',
        quantity: 100,
        price: 1,
        price_type: 'fixed',
      },
    ]);
    const tiers = skus.flatMap((sku) =>
      [1, 10, 50].map((qty) => ({
        Material: sku,
        Group: 'General',
        MinQty: qty,
        NetPrice: 20 - qty / 10,
        seq: 1,
      })),
    );
    const updates = tiers.map((t) => ({ ...t, NetPrice: t.NetPrice - 1, seq: 2 }));
    const dropped = { Material: `${p}-2`, Group: 'General', MinQty: 50, deleted: true, seq: 3 };
    const ghost = { Material: `${p}-GHOST`, Group: 'General', MinQty: 1, NetPrice: 5, seq: 1 };
    const flow = pricingFlow('tier');
    // Round 1 carries the updates before the originals; later rounds repeat everything.
    const [first = [], ...rest] = shuffledRounds([...updates, ...tiers, dropped, ghost]);
    await flow.run([[...updates, ...tiers.slice(0, 4)], first, ...rest]);
    await flow.close();
    for (const sku of skus) {
      const expected = [1, 10, 50]
        .filter((qty) => !(sku === `${p}-2` && qty === 50))
        .map((qty) => ({ qty, price: 20 - qty / 10 - 1 }));
      const actual = (testbed.commerce.state.tierPrices.get(sku) ?? []).map((r) => ({
        qty: r.quantity,
        price: r.price,
        group: r.customer_group,
      }));
      expect(actual.sort((a, b) => a.qty - b.qty)).toEqual(
        expected.map((e) => ({ ...e, group: 'General' })),
      );
    }
    // The refused row is dead-lettered once: its repeats carry the version already refused.
    expect(flow.deadLetters.map((d) => [d.reasonCode, d.reason])).toEqual([
      ['SF_SINK_ROW_REJECTED', expect.stringContaining(`${p}-GHOST`) as unknown],
    ]);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('special: a changed promo replaces the old row, a moved range removes the overlapped one, repeats write nothing', async () => {
    const p = uniqueName('S');
    const [a = '', b = ''] = known(`${p}-A`, `${p}-B`);
    const promoA1 = {
      Material: a,
      NetPrice: 9,
      ValidFrom: '2026-06-01',
      ValidTo: '2026-06-07',
      seq: 1,
    };
    const promoA2 = { ...promoA1, NetPrice: 8, seq: 2 };
    const promoB1 = {
      Material: b,
      NetPrice: 7,
      ValidFrom: '2026-06-01',
      ValidTo: '2026-06-07',
      seq: 1,
    };
    // The ERP moved B's promotion to start two days later: another key, overlapping the first.
    const promoB2 = {
      Material: b,
      NetPrice: 6,
      ValidFrom: '2026-06-03',
      ValidTo: '2026-06-10',
      seq: 2,
    };
    const flow = pricingFlow('special');
    await flow.run([
      [promoA1, promoB1],
      [promoA2, promoA1, promoB2],
      ...shuffledRounds([promoA1, promoA2, promoB2]),
    ]);
    const writesBefore = testbed.commerce.state.writesOf('specialPrice').length;
    await flow.run(shuffledRounds([promoA2, promoB2]));
    await flow.close();
    const rows = (sku: string) =>
      testbed.commerce.state.specialPrices
        .filter((r) => r.sku === sku)
        .map((r) => [r.price, r.price_from, r.price_to]);
    expect(rows(a)).toEqual([[8, '2026-06-01 00:00:00', '2026-06-07 00:00:00']]);
    expect(rows(b)).toEqual([[6, '2026-06-03 00:00:00', '2026-06-10 00:00:00']]);
    expect(testbed.commerce.state.writesOf('specialPrice').length).toBe(writesBefore);
    expect(flow.deadLetters).toEqual([]);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('base: the newest price per SKU wins over reordered duplicates; an unknown SKU is dead-lettered with its reason', async () => {
    const p = uniqueName('B');
    const skus = known(...Array.from({ length: 8 }, (_, i) => `${p}-${i}`));
    const versions = skus.flatMap((sku, i) =>
      [1, 2, 3].map((seq) => ({ Material: sku, NetPrice: 100 + i * 10 + seq, seq })),
    );
    const flow = pricingFlow('base', 3);
    await flow.run([
      ...shuffledRounds(versions),
      [{ Material: `${p}-GHOST`, NetPrice: 1, seq: 1 }],
    ]);
    await flow.close();
    skus.forEach((sku, i) =>
      expect(testbed.commerce.state.basePrices.get(`${sku}|0`)?.price).toBe(100 + i * 10 + 3),
    );
    expect(flow.deadLetters).toHaveLength(1);
    expect(flow.deadLetters[0]?.reason).toMatch(/doesn't exist.*GHOST/);
  });

  it('a redelivered batch does not dead-letter its refused rows again; a newer version is tried again', async () => {
    const p = uniqueName('R');
    const [sku = ''] = known(`${p}-1`);
    const flow = pricingFlow('base');
    const ghost = { Material: `${p}-GHOST`, NetPrice: 1, seq: 1 };
    await flow.run([[{ Material: sku, NetPrice: 5, seq: 1 }, ghost]]);
    // The commit was lost: the same messages come again, twice, same positions and event ids.
    const [first = []] = flow.delivered;
    const again = await flow.redeliver([first, first]);
    await flow.run([[{ ...ghost, NetPrice: 2, seq: 2 }]]);
    await flow.close();
    expect(testbed.commerce.state.basePrices.get(`${sku}|0`)?.price).toBe(5);
    expect(again.map((o) => o.deadLettered)).toEqual([0, 0]);
    expect(flow.deadLetters.map((d) => [d.reasonCode, d.message.position])).toEqual([
      ['SF_SINK_ROW_REJECTED', first[1]?.position],
      ['SF_SINK_ROW_REJECTED', expect.stringMatching(/^file:/) as unknown],
    ]);
  });

  it('tier and shared-catalog prices of one SKU: each flow owns its rows and never wipes the other', async () => {
    const p = uniqueName('O');
    const [sku = ''] = known(`${p}-1`);
    const catalog = testbed.commerce.state.addSharedCatalog(uniqueName('Contract O'));
    const group = testbed.commerce.state.customerGroups.get(catalog.customer_group_id)?.code ?? '';
    const contracts = pricingFlow('sharedCatalog');
    const tiers = pricingFlow('tier');
    await contracts.run([[{ Material: sku, PriceList: catalog.name, NetPrice: 21, seq: 1 }]]);
    await tiers.run([
      [{ Material: sku, Group: 'General', MinQty: 10, NetPrice: 18, seq: 1 }],
      // A tier row for the catalog's group would fight the contract price: refused.
      [{ Material: sku, Group: group, MinQty: 1, NetPrice: 5, seq: 1 }],
      [{ Material: sku, Group: 'General', MinQty: 10, deleted: true, seq: 2 }],
      [{ Material: sku, Group: 'General', MinQty: 20, NetPrice: 17, seq: 1 }],
    ]);
    await contracts.run([[{ Material: sku, PriceList: catalog.name, NetPrice: 20, seq: 2 }]]);
    await Promise.all([contracts.close(), tiers.close()]);
    expect(
      testbed.commerce.state.tierPrices
        .get(sku)
        ?.map((r) => [r.customer_group, r.quantity, r.price])
        .sort(),
    ).toEqual(
      [
        [group, 1, 20],
        ['General', 20, 17],
      ].sort(),
    );
    expect(tiers.deadLetters.map((d) => d.reasonCode)).toEqual([
      'SF_PRICE_OWNED_BY_SHARED_CATALOG',
    ]);
    expect(contracts.deadLetters).toEqual([]);
  });

  it('shared catalog: each contract price lands as the catalog group row, other groups untouched', async () => {
    const p = uniqueName('C');
    const [sku = ''] = known(`${p}-1`);
    const catalog = testbed.commerce.state.addSharedCatalog(uniqueName('Contract ACME'));
    const group = testbed.commerce.state.customerGroups.get(catalog.customer_group_id)?.code;
    testbed.commerce.state.tierPrices.set(sku, [
      {
        sku,
        website_id: 0,
        customer_group: 'General',
        quantity: 1,
        price: 30,
        price_type: 'fixed',
      },
    ]);
    const flow = pricingFlow('sharedCatalog');
    const rows = [1, 2, 3].map((seq) => ({
      Material: sku,
      PriceList: catalog.name,
      NetPrice: 25 - seq,
      seq,
    }));
    await flow.run([
      ...shuffledRounds(rows),
      [{ Material: sku, PriceList: 'No Such Catalog', NetPrice: 1, seq: 1 }],
    ]);
    await flow.close();
    expect(
      testbed.commerce.state.tierPrices
        .get(sku)
        ?.map((r) => [r.customer_group, r.price])
        .sort(),
    ).toEqual(
      [
        [group, 22],
        ['General', 30],
      ].sort(),
    );
    expect(flow.deadLetters.map((d) => d.reasonCode)).toEqual(['SF_UNKNOWN_SHARED_CATALOG']);
  });
});
