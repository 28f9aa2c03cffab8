// The catalog as the Commerce double keeps it: products by SKU, the options of select
// attributes (adding one is create-only: the same label added twice is two options), and the
// category tree, whose URL keys must be unique among siblings.

export interface CustomAttribute {
  attribute_code: string;
  value: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  price: number;
  weight?: number;
  status: number;
  visibility: number;
  type_id: string;
  attribute_set_id: number;
  custom_attributes: CustomAttribute[];
  extension_attributes: { category_links?: { position: number; category_id: string }[] };
}

export interface AttributeOption {
  value: string;
  label: string;
  sort_order?: number;
}

export interface Category {
  id: number;
  parent_id: number;
  name: string;
  is_active: boolean;
  position: number;
  level: number;
  path: string;
  url_key: string;
}

/** Commerce's URL key of a label: lower case, runs of other characters become one dash. */
export function urlKeyOf(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export class CatalogState {
  readonly products = new Map<string, Product>();
  /** Select attributes the catalog has, each with its options. */
  readonly options = new Map<string, AttributeOption[]>([
    ['color', []],
    ['manufacturer', []],
  ]);
  readonly categories = new Map<number, Category>([
    [1, category({ id: 1, parent_id: 0, name: 'Root Catalog', path: '1', level: 0 })],
    [2, category({ id: 2, parent_id: 1, name: 'Default Category', path: '1/2', level: 1 })],
  ]);
  #nextId = 1000;

  nextId(): number {
    return this.#nextId++;
  }

  /** A simple product as Commerce makes it from a SKU, with a new id. */
  newProduct(sku: string, fields: Partial<Omit<Product, 'id' | 'sku'>> = {}): Product {
    return {
      id: this.nextId(),
      sku,
      name: sku,
      price: 0,
      status: 1,
      visibility: 4,
      type_id: 'simple',
      attribute_set_id: 4,
      custom_attributes: [],
      extension_attributes: {},
      ...fields,
    };
  }

  addOption(code: string, label: string, sortOrder?: number): AttributeOption {
    const option: AttributeOption = {
      value: String(this.nextId()),
      label,
      ...(sortOrder === undefined ? {} : { sort_order: sortOrder }),
    };
    this.options.get(code)?.push(option);
    return option;
  }

  addCategory(parentId: number, name: string, urlKey: string, isActive: boolean): Category {
    const parent = this.categories.get(parentId);
    const id = this.nextId();
    const siblings = this.childrenOf(parentId).length;
    const created = category({
      id,
      parent_id: parentId,
      name,
      path: `${parent?.path ?? '1'}/${id}`,
      level: (parent?.level ?? 0) + 1,
    });
    created.url_key = urlKey;
    created.is_active = isActive;
    created.position = siblings + 1;
    this.categories.set(id, created);
    return created;
  }

  childrenOf(parentId: number): Category[] {
    return [...this.categories.values()].filter((c) => c.parent_id === parentId);
  }

  /** Labels of a product's select attribute values, and its category paths (for tests). */
  viewOf(sku: string): { options: Record<string, string>; categories: string[] } | undefined {
    const product = this.products.get(sku);
    if (!product) return undefined;
    const options: Record<string, string> = {};
    for (const { attribute_code: code, value } of product.custom_attributes) {
      const option = this.options.get(code)?.find((o) => o.value === value);
      if (option) options[code] = option.label;
    }
    const categories = (product.extension_attributes.category_links ?? []).map((link) =>
      this.labelPathOf(Number(link.category_id)),
    );
    return { options, categories: categories.sort() };
  }

  labelPathOf(id: number): string {
    const names: string[] = [];
    for (let c = this.categories.get(id); c && c.level > 1; c = this.categories.get(c.parent_id))
      names.unshift(c.name);
    return names.join('/');
  }
}

function category(
  fields: Pick<Category, 'id' | 'parent_id' | 'name' | 'path' | 'level'>,
): Category {
  return { ...fields, is_active: true, position: 1, url_key: urlKeyOf(fields.name) };
}
