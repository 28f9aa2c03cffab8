// Commerce `searchCriteria` query strings, accepted in both the documented snake_case and the
// schema's camelCase, with any indices; paging past the end returns the last page again
// (Commerce issues #3787, #8099).

export interface Filter {
  field: string;
  value: string;
  conditionType: string;
}

export interface SearchCriteria {
  /** Filters within a group are OR-ed; groups are AND-ed. */
  groups: Filter[][];
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

export function searchCriteriaOf(query: URLSearchParams): SearchCriteria {
  const pageSize = query.get('searchCriteria[pageSize]') ?? query.get('searchCriteria[page_size]');
  const currentPage =
    query.get('searchCriteria[currentPage]') ?? query.get('searchCriteria[current_page]');
  return {
    groups: filterGroupsOf(query),
    pageSize: pageSize === null ? undefined : Number(pageSize),
    currentPage: currentPage === null ? 1 : Math.max(1, Number(currentPage)),
  };
}

function matches(item: Record<string, unknown>, filter: Filter): boolean {
  const actual = item[filter.field];
  const text =
    actual === undefined || actual === null
      ? undefined
      : JSON.stringify(actual).replace(/^"|"$/g, '');
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
  const found = items.filter((item) =>
    criteria.groups.every((group) =>
      group.some((f) => matches(item as Record<string, unknown>, f)),
    ),
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
