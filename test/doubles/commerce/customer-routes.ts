// Customer master operations of the Commerce double: customers (an email is unique per website;
// `addresses[]` in a PUT is the final list — omitted addresses are deleted, ones without an id
// are created — while a PUT without `addresses` keeps them), customer search that filters on
// custom attributes too, and company creation, which makes a new company on every call (the
// trap: a repeated or unanswered create yields a second company).
import type { Company, CommerceState } from './commerce-state.ts';
import type { Customer, CustomerAddress } from './customer-state.ts';
import type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';
import { search, searchCriteriaOf } from './search-criteria.ts';

const ok = (body: unknown): RouteResponse => ({ status: 200, body });
const noSuchEntity = (fieldName: string, fieldValue: string): RouteResponse => ({
  status: 404,
  body: {
    message: 'No such entity with %fieldName = %fieldValue',
    parameters: { fieldName, fieldValue },
  },
});
const emailTaken: RouteResponse = {
  status: 400,
  body: {
    message: 'A customer with the same email address already exists in an associated website.',
  },
};

type CustomerInput = Partial<Omit<Customer, 'addresses'>> & {
  addresses?: Partial<CustomerAddress>[];
};

const customerOf = (r: RouteRequest): CustomerInput =>
  (r.body as { customer: CustomerInput }).customer;

function addressProblem(address: Partial<CustomerAddress>): string | undefined {
  for (const field of ['firstname', 'lastname', 'city', 'country_id', 'postcode'] as const)
    if (!address[field]) return `"${field}" is required. Enter and try again.`;
  if (!address.street || address.street.length === 0)
    return '"street" is required. Enter and try again.';
  return undefined;
}

function invalid(state: CommerceState, input: CustomerInput): RouteResponse | undefined {
  for (const address of input.addresses ?? []) {
    const problem = addressProblem(address);
    if (problem) return { status: 400, body: { message: problem } };
  }
  const companyId = input.extension_attributes?.company_attributes?.company_id;
  if (companyId !== undefined && companyId !== 0 && !state.companies.has(companyId))
    return noSuchEntity('companyId', String(companyId));
  return undefined;
}

function createCustomer(state: CommerceState, r: RouteRequest): RouteResponse {
  const input = customerOf(r);
  const problem = invalid(state, input);
  if (problem) return problem;
  if (state.customers.byEmail(input.email ?? '', input.website_id ?? 1)) return emailTaken;
  const created = state.customers.create(input);
  state.log('customer', String(created.id), created);
  return ok(created);
}

function putCustomer(state: CommerceState, r: RouteRequest): RouteResponse {
  const id = Number(r.params['customerId']);
  const current = state.customers.customers.get(id);
  if (!current) return noSuchEntity('customerId', String(id));
  const input = customerOf(r);
  const problem = invalid(state, input);
  if (problem) return problem;
  const other = state.customers.byEmail(input.email ?? current.email, current.website_id);
  if (other && other.id !== id) return emailTaken;
  const next = state.customers.replace(current, input);
  state.log('customer', String(id), next);
  return ok(next);
}

function createCompany(state: CommerceState, r: RouteRequest): RouteResponse {
  const input = (r.body as { company: Partial<Company> & { company_name: string } }).company;
  const admin = state.customers.customers.get(input.super_user_id ?? -1);
  if (!admin) return noSuchEntity('customerId', String(input.super_user_id));
  const fields = { ...input };
  delete fields.id;
  const company = state.addCompany({ ...fields, super_user_id: admin.id });
  admin.extension_attributes = {
    ...admin.extension_attributes,
    company_attributes: { customer_id: admin.id, company_id: company.id, status: 1 },
  };
  state.log('companyCreate', String(company.id), company);
  return ok(company);
}

export const customerRoutes: Record<string, RouteHandler> = {
  'GET /V1/customers/search': (state, r) => {
    const all = [...state.customers.customers.values()];
    // Commerce filters on customer EAV attributes too: search on custom attributes as fields.
    const flat = all.map((c) => ({
      ...Object.fromEntries(c.custom_attributes.map((a) => [a.attribute_code, a.value])),
      ...c,
    }));
    const found = search(flat, searchCriteriaOf(r.query));
    const items = found.items.map((f) => state.customers.customers.get(f.id));
    return ok({ ...found, items, search_criteria: {} });
  },
  'GET /V1/customers/{customerId}': (state, r) => {
    const found = state.customers.customers.get(Number(r.params['customerId']));
    return found ? ok(found) : noSuchEntity('customerId', r.params['customerId'] ?? '');
  },
  'POST /V1/customers': createCustomer,
  'PUT /V1/customers/{customerId}': putCustomer,
  'POST /V1/company/': createCompany,
};
