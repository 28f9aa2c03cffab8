// Catalog operations of the Commerce double: products by SKU (PUT creates when absent, the body's
// SKU cannot rename one; a new product needs a price), select-attribute options (POST always
// adds one, so a repeated add duplicates the label — the trap), and categories (a sibling with
// the same URL key is refused with Commerce's message, so a retried create fails).
import type { AttributeOption, CatalogState, Category, Product } from './catalog-state.ts';
import { urlKeyOf } from './catalog-state.ts';
import type { CommerceState } from './commerce-state.ts';
import type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';
import { search, searchCriteriaOf } from './search-criteria.ts';

const ok = (body: unknown): RouteResponse => ({ status: 200, body });
const refused = (message: string, parameters: string[] = []): RouteResponse => ({
  status: 400,
  body: { message, parameters },
});
const productMissing: RouteResponse = {
  status: 404,
  body: {
    message: "The product that was requested doesn't exist. Verify the product and try again.",
  },
};

type ProductInput = Partial<Omit<Product, 'extension_attributes'>> & {
  extension_attributes?: Partial<Product['extension_attributes']>;
};

function invalidValue(catalog: CatalogState, input: ProductInput): RouteResponse | undefined {
  for (const { attribute_code: code, value } of input.custom_attributes ?? []) {
    const options = catalog.options.get(code);
    if (options && !options.some((o) => o.value === value))
      return refused('Attribute "%1" has invalid value "%2".', [code, value]);
  }
  for (const link of input.extension_attributes?.category_links ?? [])
    if (!catalog.categories.has(Number(link.category_id)))
      return refused('Could not save product "%1" with position %2 to category %3', [
        input.sku ?? '',
        String(link.position),
        link.category_id,
      ]);
  return undefined;
}

function mergedAttributes(
  current: Product['custom_attributes'],
  input: ProductInput['custom_attributes'],
): Product['custom_attributes'] {
  const byCode = new Map(current.map((a) => [a.attribute_code, a]));
  for (const a of input ?? []) byCode.set(a.attribute_code, { ...a });
  return [...byCode.values()];
}

function saveProduct(state: CommerceState, sku: string, input: ProductInput): RouteResponse {
  const { catalog } = state;
  const problem = invalidValue(catalog, { ...input, sku });
  if (problem) return problem;
  const current = catalog.products.get(sku);
  if (!current && input.price === undefined)
    return refused('The value of attribute "%1" must be set.', ['price']);
  const base: Product = current ?? catalog.newProduct(sku);
  const next: Product = {
    ...base,
    ...input,
    id: base.id,
    sku,
    custom_attributes: mergedAttributes(base.custom_attributes, input.custom_attributes),
    extension_attributes: { ...base.extension_attributes, ...input.extension_attributes },
  };
  catalog.products.set(sku, next);
  state.log('product', sku, next);
  return ok(next);
}

const productOf = (r: RouteRequest): ProductInput => (r.body as { product: ProductInput }).product;

function addOption(state: CommerceState, r: RouteRequest): RouteResponse {
  const code = r.params['attributeCode'] ?? '';
  if (!state.catalog.options.has(code)) return attributeMissing(code);
  const input = (r.body as { option: AttributeOption }).option;
  const created = state.catalog.addOption(code, input.label, input.sort_order);
  state.log('attributeOption', code, created);
  return ok(`id_${created.value}`);
}

function attributeMissing(code: string): RouteResponse {
  return {
    status: 404,
    body: {
      message:
        'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.',
      parameters: [code],
    },
  };
}

type CategoryInput = Partial<Omit<Category, 'url_key'>> & {
  custom_attributes?: { attribute_code: string; value: string }[];
};

function withUrlKey(category: Category): Omit<Category, 'url_key'> & {
  custom_attributes: { attribute_code: string; value: string }[];
} {
  const { url_key: urlKey, ...rest } = category;
  return { ...rest, custom_attributes: [{ attribute_code: 'url_key', value: urlKey }] };
}

function addCategory(state: CommerceState, r: RouteRequest): RouteResponse {
  const input = (r.body as { category: CategoryInput }).category;
  const parentId = input.parent_id ?? 2;
  if (!state.catalog.categories.has(parentId)) return refused('Parent category not found.');
  if (!input.name)
    return refused('The "%1" attribute value is empty. Set the attribute and try again.', ['name']);
  const given = input.custom_attributes?.find((a) => a.attribute_code === 'url_key')?.value;
  const urlKey = urlKeyOf(given ?? input.name);
  if (state.catalog.childrenOf(parentId).some((c) => c.url_key === urlKey))
    return refused('URL key for specified store already exists.');
  const created = state.catalog.addCategory(parentId, input.name, urlKey, input.is_active ?? true);
  state.log('category', String(created.id), created);
  return ok(withUrlKey(created));
}

export const catalogRoutes: Record<string, RouteHandler> = {
  'GET /V1/products/{sku}': (state, r) => {
    const product = state.catalog.products.get(r.params['sku'] ?? '');
    return product ? ok(product) : productMissing;
  },
  'PUT /V1/products/{sku}': (state, r) => saveProduct(state, r.params['sku'] ?? '', productOf(r)),
  'POST /V1/products': (state, r) => saveProduct(state, productOf(r).sku ?? '', productOf(r)),
  'GET /V1/products/attributes/{attributeCode}/options': (state, r) => {
    const options = state.catalog.options.get(r.params['attributeCode'] ?? '');
    // Commerce lists the empty "no value" option first.
    return options
      ? ok([{ label: ' ', value: '' }, ...options])
      : attributeMissing(r.params['attributeCode'] ?? '');
  },
  'POST /V1/products/attributes/{attributeCode}/options': addOption,
  'POST /V1/categories': addCategory,
  'GET /V1/categories/list': (state, r) => {
    const found = search([...state.catalog.categories.values()], searchCriteriaOf(r.query));
    return ok({ ...found, items: found.items.map(withUrlKey), search_criteria: {} });
  },
  'GET /V1/categories/{categoryId}': (state, r) => {
    const found = state.catalog.categories.get(Number(r.params['categoryId']));
    return found
      ? ok(withUrlKey(found))
      : {
          status: 404,
          body: {
            message: 'No such entity with %fieldName = %fieldValue',
            parameters: { fieldName: 'id', fieldValue: r.params['categoryId'] },
          },
        };
  },
};
