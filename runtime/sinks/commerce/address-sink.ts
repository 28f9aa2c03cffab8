// Addresses into Commerce as each owner's complete list. The owner is a buyer (the customer with
// the ERP id) or a company (its administrator's address book). Commerce treats `addresses[]` in
// `PUT /V1/customers/{id}` as the final list, so the flow keeps each owner's desired list in
// Redis (address ERP id → address) and every write sends the whole list: an address the ERP
// dropped disappears, and a repeated or reordered event converges on the same list. Addresses
// already in Commerce are matched by the ERP address id they carry, so they keep their ids.
import type { Redis } from 'ioredis';
import type { AddressRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteItem, WriteResult } from '../sink.ts';
import type { CommerceClient } from './commerce-client.ts';
import {
  companyOf,
  customerOf,
  Refusal,
  refusalOf,
  type CommerceCustomer,
} from './commerce-lookup.ts';

type Item = WriteItem<AddressRecord>;

export interface AddressSinkOptions {
  redis: Redis;
  /** Prefix of the per-owner desired lists, `sf:{instanceId}:addresses:{connection}`. */
  keyPrefix: string;
  companyLookupField: string;
  customerIdAttribute: string;
  /** Address custom attribute holding the ERP address id. */
  addressIdAttribute: string;
}

function groupByOwner(items: readonly Item[]): Map<string, Item[]> {
  const byOwner = new Map<string, Item[]>();
  for (const item of items) {
    const owner = item.record.ownerExternalId;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), item]);
  }
  return byOwner;
}

export class AddressSink implements Sink<AddressRecord> {
  readonly #client: CommerceClient;
  readonly #options: AddressSinkOptions;

  constructor(client: CommerceClient, options: AddressSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const results = await Promise.all(
      [...groupByOwner(items)].map(async ([owner, rows]) => {
        await this.#remember(owner, rows);
        const outcome = await attempt(`write addresses of ${owner}`, () => this.#replace(owner));
        if (!(outcome instanceof Refusal)) return { applied: rows.map((r) => r.key), failed: [] };
        // A refused list was never applied: its new rows must not stay in the desired list.
        await this.#options.redis.hdel(this.#keyOf(owner), ...rows.map((r) => r.record.externalId));
        return { applied: [], failed: rows.map((r) => outcome.failureOf(r.key)) };
      }),
    );
    return { applied: results.flatMap((r) => r.applied), failed: results.flatMap((r) => r.failed) };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  #keyOf(owner: string): string {
    return `${this.#options.keyPrefix}:${owner}`;
  }

  async #remember(owner: string, rows: readonly Item[]): Promise<void> {
    const multi = this.#options.redis.multi();
    for (const row of rows) {
      if (row.deleted) multi.hdel(this.#keyOf(owner), row.record.externalId);
      else multi.hset(this.#keyOf(owner), row.record.externalId, JSON.stringify(row.record));
    }
    await multi.exec();
  }

  async #ownerOf(owner: string): Promise<CommerceCustomer | Refusal> {
    const buyer = await customerOf(this.#client, {
      attribute: this.#options.customerIdAttribute,
      value: owner,
    });
    if (buyer !== undefined) return buyer;
    const field = this.#options.companyLookupField;
    const company = await companyOf<{ id: number; super_user_id: number }>(
      this.#client,
      field,
      owner,
    );
    if (company instanceof Refusal) return company;
    if (company === undefined)
      return new Refusal(
        'SF_UNKNOWN_OWNER',
        `no Commerce buyer with ${this.#options.customerIdAttribute}=${owner} and no company with ${field}=${owner}`,
      );
    const admin = await this.#client.request('GET', `/V1/customers/${company.super_user_id}`);
    if (admin.status >= 300) return refusalOf('read company administrator', admin);
    return admin.body as CommerceCustomer;
  }

  async #replace(owner: string): Promise<Refusal | undefined> {
    const customer = await this.#ownerOf(owner);
    if (customer instanceof Refusal) return customer;
    const desired = Object.values(await this.#options.redis.hgetall(this.#keyOf(owner))).map(
      (v) => JSON.parse(v) as AddressRecord,
    );
    const addresses = desired
      .sort((a, b) => a.externalId.localeCompare(b.externalId))
      .map((record) => this.#addressOf(record, customer));
    const response = await this.#client.request('PUT', `/V1/customers/${customer.id}`, {
      customer: { ...customer, addresses },
    });
    return response.status >= 300 ? refusalOf('write addresses', response) : undefined;
  }

  #addressOf(record: AddressRecord, customer: CommerceCustomer): Record<string, unknown> {
    const code = this.#options.addressIdAttribute;
    const existing = (customer.addresses ?? []).find((a) =>
      (a['custom_attributes'] as { attribute_code: string; value: string }[] | undefined)?.some(
        (c) => c.attribute_code === code && c.value === record.externalId,
      ),
    );
    const optional: Record<string, string | undefined> = {
      telephone: record.telephone,
      company: record.company,
    };
    return {
      ...(existing ? { id: existing['id'] } : {}),
      customer_id: customer.id,
      firstname: record.firstName ?? customer.firstname,
      lastname: record.lastName ?? customer.lastname,
      street: record.street,
      city: record.city,
      postcode: record.postcode,
      country_id: record.countryId,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      default_shipping: record.defaultShipping,
      default_billing: record.defaultBilling,
      custom_attributes: [{ attribute_code: code, value: record.externalId }],
    };
  }
}
