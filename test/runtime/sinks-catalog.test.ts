// The catalog flow through the pipeline, the gate in real Redis and the catalog sink, against the
// Commerce double: every product sent three times in shuffled order with older versions after
// newer ones, creates of options and categories whose answers are lost (applied, then 503).
// Commerce must end equal to the source, with no option or category twice.
import { describe, expect, it } from 'vitest';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  exampleFields,
  flowDocumentFor,
  pipelineFor,
  shuffledRounds,
  token,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceForFile(token);

// The example flow's mapping (flow-catalog-products.yaml) plus categories and select attributes.
const fields = {
  ...exampleFields('flow-catalog-products.yaml'),
  categories: { path: 'Categories', type: 'array' },
  optionColor: { path: 'Color', type: 'string' },
  optionManufacturer: { path: 'Brand', type: 'string' },
  version: { path: 'seq', type: 'integer' },
};

const lostAnswer = (route: string, count: number): void =>
  testbed.commerce.failNext(count, { status: 503, route, afterCommit: true, retryAfterSeconds: 0 });

function productOf(sku: string, seq: number, extra: Record<string, unknown>) {
  return {
    Product: sku,
    to_Description: { results: [{ ProductDescription: `${sku} v${seq}` }] },
    GrossWeight: String(seq),
    seq,
    ...extra,
  };
}

describe('catalog sink', () => {
  it('products equal the source; each option and category is created once despite repeats, reordering and lost answers', async () => {
    const p = uniqueName('P');
    const tools = uniqueName('Tools');
    const garden = uniqueName('Garden');
    const { catalog } = testbed.commerce.state;
    // Already in Commerce: an option (matched by label, any case) and a category whose URL key
    // is the label's (matched although its name differs).
    catalog.addOption('color', 'Blue');
    catalog.addCategory(2, `${garden} & Outdoor`, garden.toLowerCase(), true);
    const colorsBefore = catalog.options.get('color')?.length ?? 0;
    const source = [
      { sku: `${p}-1`, Categories: [`${tools}/Power Tools`], Color: 'Red', Brand: 'Bosch' },
      {
        sku: `${p}-2`,
        Categories: [`${tools}/Power Tools`, garden],
        Color: 'red ',
        Brand: 'Bosch',
      },
      { sku: `${p}-3`, Categories: [`${tools}/Hand Tools`], Color: 'BLUE', Brand: 'Makita' },
      { sku: `${p}-4`, Categories: [garden], Color: 'Red', Brand: 'Makita' },
    ];
    const v1 = source.map(({ sku, ...extra }) => productOf(sku, 1, extra));
    const v2 = source.map(({ sku, ...extra }) => productOf(sku, 2, extra));
    lostAnswer('POST /V1/products/attributes/{attributeCode}/options', 2);
    lostAnswer('POST /V1/categories', 2);
    lostAnswer('PUT /V1/products/{sku}', 1);

    const flow = pipelineFor(
      flowDocumentFor({
        instanceId: uniqueName('i'),
        name: uniqueName('catalog-products'),
        flow: 'catalog',
        entity: 'product',
        fields,
        sinkConnection: commerceConnection(testbed.commerce.url),
        kafkaBrokers: env.kafkaBrokers,
        topic: 'unused',
        redisUrl: env.redisUrl,
      }),
      env.redisUrl,
    );
    await flow.run([v2.slice(0, 2), ...shuffledRounds([...v1, ...v2])]);
    await flow.close();

    for (const [i, s] of source.entries()) {
      const sku = `${p}-${i + 1}`;
      expect(catalog.products.get(sku)).toMatchObject({ name: `${sku} v2`, weight: 2 });
      const view = catalog.viewOf(sku);
      // Labels match whatever their case: "red " is the option "Red" (or the other way round).
      const color = view?.options['color']?.toLowerCase();
      expect({ ...view, options: { ...view?.options, color } }).toEqual({
        options: { color: s.Color.trim().toLowerCase(), manufacturer: s.Brand },
        categories: s.Categories.map((c) => (c === garden ? `${garden} & Outdoor` : c)).sort(),
      });
    }
    const labels = (code: string) =>
      (catalog.options.get(code) ?? []).map((o) => o.label.toLowerCase());
    expect(labels('color').filter((l) => l === 'red')).toHaveLength(1);
    expect(labels('color').filter((l) => l === 'blue')).toHaveLength(1);
    expect(catalog.options.get('color')?.length).toBe(colorsBefore + 1);
    expect(labels('manufacturer').filter((l) => l === 'bosch')).toHaveLength(1);
    const toolsIds = catalog.childrenOf(2).filter((c) => c.name === tools);
    expect(toolsIds).toHaveLength(1);
    expect(
      catalog
        .childrenOf(toolsIds[0]?.id ?? -1)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['Hand Tools', 'Power Tools']);
    expect(catalog.childrenOf(2).filter((c) => c.name.startsWith(garden))).toHaveLength(1);
    expect(flow.deadLetters).toEqual([]);
    expect(testbed.commerce.violations).toEqual([]);
  });

  it('an unknown attribute refuses the product with its reason, once; the price is set only on create', async () => {
    const sku = uniqueName('Q');
    const flow = pipelineFor(
      flowDocumentFor({
        instanceId: uniqueName('i'),
        name: uniqueName('catalog-products'),
        flow: 'catalog',
        entity: 'product',
        fields: {
          ...fields,
          price: { path: 'Price', type: 'decimal' },
          optionFinish: { path: 'Finish', type: 'string' },
        },
        sinkConnection: commerceConnection(testbed.commerce.url),
        kafkaBrokers: env.kafkaBrokers,
        topic: 'unused',
        redisUrl: env.redisUrl,
      }),
      env.redisUrl,
    );
    await flow.run([[productOf(sku, 1, { Price: 10 })]]);
    // The pricing flow owns the price from now on.
    const created = testbed.commerce.state.catalog.products.get(sku);
    if (created) created.price = 12.5;
    await flow.run([
      [productOf(sku, 2, { Price: 10 })],
      [productOf(`${sku}-X`, 1, { Price: 1, Finish: 'Matte' })],
      [productOf(`${sku}-X`, 1, { Price: 1, Finish: 'Matte' })],
    ]);
    await flow.close();
    expect(testbed.commerce.state.catalog.products.get(sku)).toMatchObject({
      name: `${sku} v2`,
      price: 12.5,
    });
    expect(testbed.commerce.state.catalog.products.has(`${sku}-X`)).toBe(false);
    expect(flow.deadLetters.map((d) => [d.reasonCode, d.reason])).toEqual([
      ['SF_SINK_ROW_REJECTED', expect.stringContaining('"finish" attributeCode') as unknown],
    ]);
  });
});
