// The customer groups that belong to shared catalogs (Commerce gives each catalog its own
// group). Their tier rows are the shared-catalog price flow's; the tier flow owns every other
// group's rows. Read once per batch, since a catalog may be created at any time.
import type { CommerceClient } from './commerce-client.ts';

const pageSize = 300;

interface Page {
  items?: { customer_group_id: number }[];
  total_count?: number;
}

export async function sharedCatalogGroupCodes(client: CommerceClient): Promise<Set<string>> {
  const groupIds = new Set<number>();
  for (let page = 1; ; page++) {
    const path = `/V1/sharedCatalog/?searchCriteria[pageSize]=${pageSize}&searchCriteria[currentPage]=${page}`;
    const response = await client.request('GET', path);
    if (response.status >= 300) throw new Error(`list shared catalogs: ${response.status}`);
    const body = response.body as Page;
    for (const catalog of body.items ?? []) groupIds.add(catalog.customer_group_id);
    // Paging past the end repeats the last page: stop on the count, never on an empty page.
    if (page * pageSize >= (body.total_count ?? 0)) break;
  }
  const codes = new Set<string>();
  for (const id of groupIds) {
    const group = await client.request('GET', `/V1/customerGroups/${id}`);
    if (group.status >= 300) throw new Error(`read customer group ${id}: ${group.status}`);
    codes.add((group.body as { code: string }).code);
  }
  return codes;
}
