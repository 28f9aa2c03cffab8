// Commerce `searchCriteria` query strings, accepted in both the documented snake_case and the
// schema's camelCase, with any indices; paging past the end returns the last page again
// (Commerce issues #3787, #8099).

export interface Filter {
  field: string;
  value: string;
  conditionType: string;
}

export interface SortOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface SearchCriteria {
  /** Filters within a group are OR-ed; groups are AND-ed. */
  groups: Filter[][];
  sortOrders: SortOrder[];
  pageSize: number | undefined;
  currentPage: number;
}

const filterPattern =
  /^searchCriteria\[(?:filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type|conditionType)\]$/;

function filterGroupsOf(query: URLSearchParams): Filter[][] {
  const groups = new Map<number, Map<number, Partial<Filter>>>();
  for (const [name, value] of query) {
    const m = filterPattern.exec(name);
    if (!m) continue;
    const group = groups.get(Number(m[1])) ?? new Map<number, Partial<Filter>>();
    groups.set(Number(m[1]), group);
    const filter = group.get(Number(m[2])) ?? {};
    group.set(Number(m[2]), filter);
    const part =
      m[3] === 'condition_type' || m[3] === 'conditionType'
        ? 'conditionType'
        : (m[3] as 'field' | 'value');
    filter[part] = value;
  }
  return [...groups.values()].map((g) =>
    [...g.values()].map((f) => ({
      field: f.field ?? '',
      value: f.value ?? '',
      conditionType: f.conditionType ?? 'eq',
    })),
  );
}

const sortPattern = /^searchCriteria\[(?:sortOrders|sort_orders)\]\[(\d+)\]\[(field|direction)\]$/;

function sortOrdersOf(query: URLSearchParams): SortOrder[] {
  const orders = new Map<number, Partial<SortOrder>>();
  for (const [name, value] of query) {
    const m = sortPattern.exec(name);
    if (!m) continue;
    const order = orders.get(Number(m[1])) ?? {};
    orders.set(Number(m[1]), order);
    if (m[2] === 'field') order.field = value;
    else order.direction = value.toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
  }
  return [...orders.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, o]) => ({ field: o.field ?? '', direction: o.direction ?? 'ASC' }));
}

export function searchCriteriaOf(query: URLSearchParams): SearchCriteria {
  const pageSize = query.get('searchCriteria[pageSize]') ?? query.get('searchCriteria[page_size]');
  const currentPage =
    query.get('searchCriteria[currentPage]') ?? query.get('searchCriteria[current_page]');
  return {
    groups: filterGroupsOf(query),
    sortOrders: sortOrdersOf(query),
    pageSize: pageSize === null ? undefined : Number(pageSize),
    currentPage: currentPage === null ? 1 : Math.max(1, Number(currentPage)),
  };
}

/** Numbers compare as numbers; timestamps (`YYYY-MM-DD HH:MM:SS`) and text as strings. */
function compare(actual: unknown, value: string): number {
  if (typeof actual === 'number') return actual - Number(value);
  const text = String(actual);
  return text < value ? -1 : text > value ? 1 : 0;
}

const rangeConditions = new Set(['gteq', 'gt', 'lteq', 'lt']);

function ordered(condition: string, c: number): boolean {
  if (condition === 'gteq') return c >= 0;
  if (condition === 'gt') return c > 0;
  if (condition === 'lteq') return c <= 0;
  return c < 0;
}

function sortedBy<T extends object>(items: T[], orders: readonly SortOrder[]): T[] {
  return items.sort((a, b) => {
    for (const { field, direction } of orders) {
      const x = (a as Record<string, unknown>)[field];
      const c = compare(x, String((b as Record<string, unknown>)[field]));
      if (c !== 0) return direction === 'ASC' ? c : -c;
    }
    return 0;
  });
}

function inRange(actual: unknown, text: string | undefined, filter: Filter): boolean {
  return text !== undefined && ordered(filter.conditionType, compare(actual, filter.value));
}

function matches(item: Record<string, unknown>, filter: Filter): boolean {
  const actual = item[filter.field];
  const text =
    actual === undefined || actual === null
      ? undefined
      : JSON.stringify(actual).replace(/^"|"$/g, '');
  if (rangeConditions.has(filter.conditionType)) return inRange(actual, text, filter);
  switch (filter.conditionType) {
    case 'eq':
      return text === filter.value;
    case 'neq':
      return text !== filter.value;
    case 'in':
      return text !== undefined && filter.value.split(',').includes(text);
    case 'like':
      return text !== undefined && new RegExp(`^${filter.value.replace(/%/g, '.*')}$`).test(text);
    default:
      return false;
  }
}

export function search<T extends object>(
  items: readonly T[],
  criteria: SearchCriteria,
): { items: T[]; total_count: number } {
  const found = sortedBy(
    items.filter((item) =>
      criteria.groups.every((group) =>
        group.some((f) => matches(item as Record<string, unknown>, f)),
      ),
    ),
    criteria.sortOrders,
  );
  if (criteria.pageSize === undefined || criteria.pageSize <= 0)
    return { items: found, total_count: found.length };
  const lastPage = Math.max(1, Math.ceil(found.length / criteria.pageSize));
  const page = Math.min(criteria.currentPage, lastPage);
  return {
    items: found.slice((page - 1) * criteria.pageSize, page * criteria.pageSize),
    total_count: found.length,
  };
}
