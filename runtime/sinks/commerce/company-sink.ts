// Companies into Commerce B2B, matched by the ERP id held in a company attribute (`reseller_id`
// by default, the one the credit sink reads) before any create: found → `PUT /V1/company/{id}`
// with the fields this flow owns over what Commerce has; absent → its administrator (a customer,
// found by email first) and then `POST /V1/company/`. The search runs again on every retry, so
// a create whose answer was lost is found, never made twice. Ownership: the credit flow owns the
// status (a hold blocks the company), shared-catalog assignment owns the customer group, and
// Commerce owns the administrator once set; this flow writes names, contact and address fields.
import type { CompanyRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import type { CompanyLock } from './company-lock.ts';
import { companyOf, customerOf, Refusal, refusalOf, resultOfOutcomes } from './commerce-lookup.ts';

type Item = WriteItem<CompanyRecord>;

export interface CompanySinkOptions {
  /** Company attribute holding the ERP id. Default: reseller_id. */
  companyLookupField: string;
  /** Excludes the credit flow's read-modify-write of the same company. */
  lock: CompanyLock;
}

const approved = 1;
const defaultGroupId = 1;

function ownedFieldsOf(record: CompanyRecord, lookupField: string): Record<string, unknown> {
  const optional: Record<string, string | undefined> = {
    legal_name: record.legalName,
    vat_tax_id: record.vatTaxId,
    city: record.city,
    postcode: record.postcode,
    country_id: record.countryId,
    region: record.region,
    telephone: record.telephone,
  };
  return {
    company_name: record.name,
    company_email: record.email,
    [lookupField]: record.externalId,
    ...(record.street.length > 0 ? { street: record.street } : {}),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

export class CompanySink implements Sink<CompanyRecord> {
  readonly #client: CommerceClient;
  readonly #options: CompanySinkOptions;

  constructor(client: CommerceClient, options: CompanySinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const outcomes = await Promise.all(
      items.map(async (item) => ({
        item,
        outcome: item.deleted
          ? new Refusal(
              'SF_DELETE_NOT_APPLIED',
              'a company is never deleted by a sync: its users and orders hang on it; block or remove it by hand',
            )
          : await attempt(`upsert company ${item.record.externalId}`, () => this.#upsert(item)),
      })),
    );
    return resultOfOutcomes(outcomes);
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #upsert(item: Item): Promise<Refusal | undefined> {
    const { record } = item;
    const field = this.#options.companyLookupField;
    const found = await companyOf<{ id: number }>(this.#client, field, record.externalId);
    if (found instanceof Refusal) return found;
    const owned = ownedFieldsOf(record, field);
    if (found !== undefined)
      return this.#options.lock.around(found.id, async () => {
        // Read again under the lock: the search answer may predate another flow's write.
        const current = await this.#client.request('GET', `/V1/company/${found.id}`);
        if (current.status >= 300) return refusalOf('read company', current);
        const response = await this.#client.request('PUT', `/V1/company/${found.id}`, {
          company: { ...(current.body as object), ...owned, id: found.id },
        });
        return response.status >= 300 ? refusalOf('update company', response) : undefined;
      });
    const admin = await this.#adminOf(record);
    if (admin instanceof Refusal) return admin;
    const company = {
      street: [],
      ...owned,
      status: approved,
      customer_group_id: defaultGroupId,
      sales_representative_id: 1,
      reject_reason: '',
      rejected_at: '',
      super_user_id: admin,
    };
    const response = await this.#client.request('POST', '/V1/company/', { company });
    return response.status >= 300 ? refusalOf('create company', response) : undefined;
  }

  /** The administrator's customer id: the customer with the company email, or a new one. */
  async #adminOf(record: CompanyRecord): Promise<number | Refusal> {
    const found = await customerOf(this.#client, {
      attribute: 'email',
      value: record.email,
    });
    if (found instanceof Refusal) return found;
    if (found !== undefined) return found.id;
    const customer = {
      email: record.email,
      firstname: record.adminFirstName ?? record.name,
      lastname: record.adminLastName ?? 'Administrator',
      website_id: 1,
      group_id: defaultGroupId,
    };
    const response = await this.#client.request('POST', '/V1/customers', { customer });
    if (response.status >= 300) return refusalOf('create company administrator', response);
    return (response.body as { id: number }).id;
  }
}
