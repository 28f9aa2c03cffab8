// Commerce ids of the labels a product names: a select attribute's option by its label, a
// category by its label or URL key under its parent. Each is read first and created only when
// missing; after a create the list is read again, so a lost answer (the create applied, the
// reply gone) is found on the retry instead of creating a twin. Within one batch a label is
// resolved once (single flight), so two products naming a new colour create it once.
import type { Attempt } from '../sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import { Refusal, refusalOf, searchItems, searchPathOf } from './commerce-lookup.ts';

/** Commerce's URL key of a label: lower case, runs of other characters become one dash. */
export function urlKeyOf(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const sameLabel = (a: string, b: string): boolean =>
  a.trim().toLowerCase() === b.trim().toLowerCase();

interface Option {
  label: string;
  value: string;
}
interface Category {
  id: number;
  name: string;
  custom_attributes?: { attribute_code: string; value: string }[];
}

const urlKeyIn = (c: Category): string | undefined =>
  c.custom_attributes?.find((a) => a.attribute_code === 'url_key')?.value;

export class CatalogIds {
  readonly #client: CommerceClient;
  readonly #attempt: Attempt;
  readonly #rootCategoryId: number;
  readonly #pending = new Map<string, Promise<string | Refusal>>();

  constructor(client: CommerceClient, attempt: Attempt, rootCategoryId: number) {
    this.#client = client;
    this.#attempt = attempt;
    this.#rootCategoryId = rootCategoryId;
  }

  optionOf(code: string, label: string): Promise<string | Refusal> {
    return this.#once(`option|${code}|${label.trim().toLowerCase()}`, () =>
      this.#attempt(`find or add option ${label} of ${code}`, () => this.#option(code, label)),
    );
  }

  /** The id of the last segment of `Tools/Power Tools`, creating missing segments once. */
  categoryOf(path: string): Promise<string | Refusal> {
    const segments = path
      .split('/')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return this.#categoryPath(segments, segments.length);
  }

  #categoryPath(segments: readonly string[], depth: number): Promise<string | Refusal> {
    const label = segments[depth - 1];
    if (label === undefined) return Promise.resolve(String(this.#rootCategoryId));
    const prefix = segments.slice(0, depth).map((s) => s.toLowerCase());
    return this.#once(`category|${prefix.join('/')}`, async () => {
      const parent = await this.#categoryPath(segments, depth - 1);
      if (parent instanceof Refusal) return parent;
      return this.#attempt(`find or add category ${label}`, () =>
        this.#category(Number(parent), label),
      );
    });
  }

  #once(key: string, work: () => Promise<string | Refusal>): Promise<string | Refusal> {
    const pending = this.#pending.get(key) ?? work();
    this.#pending.set(key, pending);
    return pending;
  }

  async #options(code: string): Promise<Option[] | Refusal> {
    const path = `/V1/products/attributes/${encodeURIComponent(code)}/options`;
    const read = await this.#client.request('GET', path);
    if (read.status >= 300) return refusalOf(`read options of ${code}`, read);
    return Array.isArray(read.body) ? (read.body as Option[]) : [];
  }

  async #option(code: string, label: string): Promise<string | Refusal> {
    const match = (options: Option[]): string | undefined =>
      options.find((o) => o.value !== '' && sameLabel(o.label, label))?.value;
    const before = await this.#options(code);
    if (before instanceof Refusal) return before;
    const found = match(before);
    if (found !== undefined) return found;
    const path = `/V1/products/attributes/${encodeURIComponent(code)}/options`;
    const added = await this.#client.request('POST', path, { option: { label, value: '' } });
    if (added.status >= 300) return refusalOf(`add option ${label} to ${code}`, added);
    const after = await this.#options(code);
    if (after instanceof Refusal) return after;
    return (
      match(after) ??
      new Refusal('SF_SINK_ROW_REJECTED', `option ${label} of ${code} not listed after its create`)
    );
  }

  async #children(parentId: number): Promise<Category[] | Refusal> {
    return searchItems<Category>(
      this.#client,
      searchPathOf('/V1/categories/list', { parent_id: parentId }),
    );
  }

  async #category(parentId: number, label: string): Promise<string | Refusal> {
    const urlKey = urlKeyOf(label);
    const match = (children: Category[]): string | undefined => {
      const found =
        children.find((c) => sameLabel(c.name, label)) ??
        children.find((c) => urlKeyIn(c) === urlKey);
      return found === undefined ? undefined : String(found.id);
    };
    const before = await this.#children(parentId);
    if (before instanceof Refusal) return before;
    const found = match(before);
    if (found !== undefined) return found;
    const category = { parent_id: parentId, name: label, is_active: true, include_in_menu: true };
    const created = await this.#client.request('POST', '/V1/categories', { category });
    // A 400 may be the URL key of a sibling created meanwhile (or by our lost answer): re-read.
    const after = await this.#children(parentId);
    if (after instanceof Refusal) return after;
    return match(after) ?? refusalOf(`add category ${label}`, created);
  }
}
