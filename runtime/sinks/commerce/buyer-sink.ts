// Buyers (company users) into Commerce B2B: customers carrying the ERP id in a custom attribute
// and their company link in `extension_attributes.company_attributes`. A buyer is matched by the
// ERP id, else by email (Commerce keeps an email unique per website, and a company's
// administrator already exists under it), before any create; the search runs again on every
// retry, so a create whose answer was lost is found, not repeated. The customer is written as a
// whole over what Commerce has, without `addresses`: the address flow owns the address book.
import type { BuyerRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import {
  companyOf,
  customerOf,
  Refusal,
  refusalOf,
  resultOfOutcomes,
  withAttribute,
  type CommerceCustomer,
} from './commerce-lookup.ts';

type Item = WriteItem<BuyerRecord>;

export interface BuyerSinkOptions {
  companyLookupField: string;
  /** Customer custom attribute holding the ERP id. */
  customerIdAttribute: string;
}

export class BuyerSink implements Sink<BuyerRecord> {
  readonly #client: CommerceClient;
  readonly #options: BuyerSinkOptions;

  constructor(client: CommerceClient, options: BuyerSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const outcomes = await Promise.all(
      items.map(async (item) => ({
        item,
        outcome: await attempt(`upsert buyer ${item.record.externalId}`, () => this.#upsert(item)),
      })),
    );
    return resultOfOutcomes(outcomes);
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #upsert(item: Item): Promise<Refusal | undefined> {
    const { record } = item;
    const company = await companyOf<{ id: number; customer_group_id?: number }>(
      this.#client,
      this.#options.companyLookupField,
      record.companyExternalId,
    );
    if (company instanceof Refusal) return company;
    if (company === undefined)
      return new Refusal(
        'SF_UNKNOWN_COMPANY',
        `no Commerce company has ${this.#options.companyLookupField}=${record.companyExternalId}`,
      );
    const found = await customerOf(this.#client, {
      attribute: this.#options.customerIdAttribute,
      value: record.externalId,
      email: record.email,
    });
    if (found instanceof Refusal) return found;
    const customer = this.#customerOf(record, company, found);
    const response = found
      ? await this.#client.request('PUT', `/V1/customers/${found.id}`, { customer })
      : await this.#client.request('POST', '/V1/customers', { customer });
    return response.status >= 300
      ? refusalOf(found ? 'update buyer' : 'create buyer', response)
      : undefined;
  }

  #customerOf(
    record: BuyerRecord,
    company: { id: number; customer_group_id?: number },
    found: CommerceCustomer | undefined,
  ): Record<string, unknown> {
    const current = Object.fromEntries(
      Object.entries(found ?? {}).filter(([field]) => field !== 'addresses'),
    );
    const companyAttributes = {
      ...(found ? { customer_id: found.id } : {}),
      company_id: company.id,
      status: record.active ? 1 : 0,
      ...(record.jobTitle === undefined ? {} : { job_title: record.jobTitle }),
      ...(record.telephone === undefined ? {} : { telephone: record.telephone }),
    };
    return {
      website_id: 1,
      group_id: company.customer_group_id ?? 1,
      ...current,
      email: record.email,
      firstname: record.firstName,
      lastname: record.lastName,
      custom_attributes: withAttribute(
        found?.custom_attributes,
        this.#options.customerIdAttribute,
        record.externalId,
      ),
      extension_attributes: {
        ...found?.extension_attributes,
        company_attributes: companyAttributes,
      },
    };
  }
}
