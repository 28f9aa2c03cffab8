// Customers as the Commerce double keeps them: an email unique per website, custom attributes,
// the company link in `extension_attributes.company_attributes`, and an address book that a PUT
// with `addresses[]` replaces as a whole (ids kept for addresses that carry theirs).

export interface CustomerAddress {
  id: number;
  customer_id: number;
  firstname: string;
  lastname: string;
  street: string[];
  city: string;
  postcode: string;
  country_id: string;
  telephone?: string;
  company?: string;
  default_shipping?: boolean;
  default_billing?: boolean;
  custom_attributes?: { attribute_code: string; value: string }[];
}

export interface CompanyAttributes {
  customer_id?: number;
  company_id?: number;
  job_title?: string;
  status?: number;
  telephone?: string;
}

export interface Customer {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  website_id: number;
  group_id: number;
  addresses: CustomerAddress[];
  custom_attributes: { attribute_code: string; value: string }[];
  extension_attributes?: { company_attributes?: CompanyAttributes };
}

type Input = Partial<Omit<Customer, 'addresses'>> & { addresses?: Partial<CustomerAddress>[] };

export class CustomerState {
  readonly customers = new Map<number, Customer>();
  #nextId = 5000;

  byEmail(email: string, websiteId: number): Customer | undefined {
    const wanted = email.toLowerCase();
    return [...this.customers.values()].find(
      (c) => c.email.toLowerCase() === wanted && c.website_id === websiteId,
    );
  }

  create(input: Input): Customer {
    const id = this.#nextId++;
    const customer: Customer = {
      email: '',
      firstname: '',
      lastname: '',
      website_id: 1,
      group_id: 1,
      custom_attributes: [],
      ...input,
      id,
      addresses: [],
    };
    customer.addresses = this.#addressesOf(customer, input.addresses ?? []);
    this.customers.set(id, customer);
    return customer;
  }

  /** PUT semantics: the body replaces the customer; `addresses`, when sent, is the final list. */
  replace(current: Customer, input: Input): Customer {
    const next: Customer = {
      ...current,
      ...input,
      id: current.id,
      custom_attributes: input.custom_attributes ?? current.custom_attributes,
      addresses: current.addresses,
    };
    if (input.addresses !== undefined) next.addresses = this.#addressesOf(current, input.addresses);
    this.customers.set(current.id, next);
    return next;
  }

  /** Customers whose custom attribute `code` holds `value` (tests count duplicates with it). */
  withAttribute(code: string, value: string): Customer[] {
    return [...this.customers.values()].filter((c) =>
      c.custom_attributes.some((a) => a.attribute_code === code && a.value === value),
    );
  }

  #addressesOf(owner: Customer, inputs: readonly Partial<CustomerAddress>[]): CustomerAddress[] {
    return inputs.map((input) => {
      const kept = owner.addresses.find((a) => input.id !== undefined && a.id === input.id);
      return {
        firstname: '',
        lastname: '',
        street: [],
        city: '',
        postcode: '',
        country_id: '',
        ...input,
        id: kept ? kept.id : this.#nextId++,
        customer_id: owner.id,
      };
    });
  }
}
