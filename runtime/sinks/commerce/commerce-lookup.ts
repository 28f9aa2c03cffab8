// Finding Commerce entities by the ERP's ids before anything is created: companies by a company
// attribute (`reseller_id`), customers by a custom attribute or their email. A lookup that
// Commerce refuses (4xx) is a refusal value for the row, never an exception.
import type { WriteFailure, WriteResult } from '../sink.ts';
import { errorMessageOf, type CommerceClient, type CommerceResponse } from './commerce-client.ts';

/** A row Commerce refused for good, with the reason carried into the dead letter. */
export class Refusal {
  readonly reasonCode: string;
  readonly reason: string;
  constructor(reasonCode: string, reason: string) {
    this.reasonCode = reasonCode;
    this.reason = reason;
  }

  failureOf(key: string): WriteFailure {
    return { key, reasonCode: this.reasonCode, reason: this.reason };
  }
}

/** A batch's result from each row's outcome: nothing = applied, a Refusal = failed. */
export function resultOfOutcomes(
  outcomes: readonly { item: { key: string }; outcome: Refusal | undefined }[],
): WriteResult {
  return {
    applied: outcomes.filter((o) => o.outcome === undefined).map((o) => o.item.key),
    failed: outcomes.flatMap(({ item, outcome }) =>
      outcome instanceof Refusal ? [outcome.failureOf(item.key)] : [],
    ),
  };
}

export function refusalOf(what: string, response: CommerceResponse): Refusal {
  return new Refusal(
    'SF_SINK_ROW_REJECTED',
    `${what}: Commerce answered ${response.status}: ${errorMessageOf(response.body)}`,
  );
}

/** `path?searchCriteria…` with one `eq` filter per entry (AND-ed) and an optional page size. */
export function searchPathOf(
  path: string,
  filters: Readonly<Record<string, string | number>>,
  pageSize?: number,
): string {
  const parts = Object.entries(filters).flatMap(([field, value], i) => {
    const filter = `searchCriteria[filter_groups][${i}][filters][0]`;
    return [
      `${filter}[field]=${encodeURIComponent(field)}`,
      `${filter}[value]=${encodeURIComponent(String(value))}`,
      `${filter}[condition_type]=eq`,
    ];
  });
  if (pageSize !== undefined) parts.push(`searchCriteria[pageSize]=${pageSize}`);
  return `${path}?${parts.join('&')}`;
}

export interface CommerceCustomer {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  website_id?: number;
  group_id?: number;
  addresses?: Record<string, unknown>[];
  custom_attributes?: { attribute_code: string; value: string }[];
  extension_attributes?: Record<string, unknown>;
  [field: string]: unknown;
}

export async function searchItems<T>(client: CommerceClient, path: string): Promise<T[] | Refusal> {
  const response = await client.request('GET', path);
  if (response.status >= 300) return refusalOf(`GET ${path.split('?')[0] ?? path}`, response);
  return ((response.body as { items?: T[] } | undefined)?.items ?? []).slice();
}

/** The Commerce company whose `field` holds the ERP id; the oldest if a person made two. */
export async function companyOf<T extends { id: number }>(
  client: CommerceClient,
  field: string,
  erpId: string,
): Promise<T | undefined | Refusal> {
  const found = await searchItems<T>(client, searchPathOf('/V1/company/', { [field]: erpId }));
  if (found instanceof Refusal) return found;
  return found.sort((a, b) => a.id - b.id)[0];
}

/** The customer whose custom attribute `attribute` holds `value`, else the one with `email`. */
export async function customerOf(
  client: CommerceClient,
  by: { attribute: string; value: string; email?: string },
): Promise<CommerceCustomer | undefined | Refusal> {
  const byId = await searchItems<CommerceCustomer>(
    client,
    searchPathOf('/V1/customers/search', { [by.attribute]: by.value }),
  );
  if (byId instanceof Refusal || byId.length > 0 || by.email === undefined)
    return byId instanceof Refusal ? byId : byId.sort((a, b) => a.id - b.id)[0];
  const byEmail = await searchItems<CommerceCustomer>(
    client,
    searchPathOf('/V1/customers/search', { email: by.email }),
  );
  return byEmail instanceof Refusal ? byEmail : byEmail[0];
}

/** Sets one custom attribute in a list, keeping the others. */
export function withAttribute(
  attributes: readonly { attribute_code: string; value: string }[] | undefined,
  code: string,
  value: string,
): { attribute_code: string; value: string }[] {
  return [
    ...(attributes ?? []).filter((a) => a.attribute_code !== code),
    { attribute_code: code, value },
  ];
}
