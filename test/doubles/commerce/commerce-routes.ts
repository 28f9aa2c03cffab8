// The Commerce operations the double implements, keyed by the contract's `METHOD template`.
// Each handler gets a request that already passed the contract and answers like Commerce.
import type { CommerceState, Company, CreditLimit, SourceItem } from './commerce-state.ts';
import type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { customerRoutes } from './customer-routes.ts';
import { orderRoutes } from './order-routes.ts';
import { priceRoutes } from './price-routes.ts';
import { search, searchCriteriaOf } from './search-criteria.ts';

export type { RouteHandler, RouteRequest, RouteResponse } from './route.ts';

const ok = (body: unknown): RouteResponse => ({ status: 200, body });
const noSuchEntity = (fieldName: string, fieldValue: string): RouteResponse => ({
  status: 404,
  body: {
    message: 'No such entity with %fieldName = %fieldValue',
    parameters: { fieldName, fieldValue },
  },
});

// Commerce's source-item validators (SourceItemValidatorChain): sku and source_code must not be
// empty, status must be 0 or 1, quantity must be a number; the schema alone allows all of these.
function sourceItemProblems(item: Partial<SourceItem>): string[] {
  const problems: string[] = [];
  if (!item.sku) problems.push('"sku" can not be empty.');
  if (!item.source_code) problems.push('"source_code" can not be empty.');
  if (item.status !== undefined && item.status !== 0 && item.status !== 1)
    problems.push('"status" should be numeric 0 or 1.');
  if (item.quantity === undefined) problems.push('"quantity" should be numeric.');
  return problems;
}

function saveSourceItems(state: CommerceState, request: RouteRequest): RouteResponse {
  const items = (request.body as { sourceItems: Partial<SourceItem>[] }).sourceItems;
  const problems = items.flatMap(sourceItemProblems);
  if (problems.length > 0) {
    return {
      status: 400,
      body: {
        message: 'Validation Failed',
        errors: problems.map((message) => ({ message, parameters: [] })),
      },
    };
  }
  for (const item of items) {
    state.upsertSourceItem({
      sku: item.sku ?? '',
      source_code: item.source_code ?? '',
      quantity: item.quantity ?? 0,
      status: item.status ?? 0,
    });
  }
  return ok([]);
}

function deleteSourceItems(state: CommerceState, request: RouteRequest): RouteResponse {
  for (const item of (request.body as { sourceItems: SourceItem[] }).sourceItems)
    state.deleteSourceItem(item.sku, item.source_code);
  return ok([]);
}

function creditOf(state: CommerceState, id: string): CreditLimit | undefined {
  return state.credits.get(Number(id));
}

function putCredit(state: CommerceState, request: RouteRequest): RouteResponse {
  const existing = creditOf(state, request.params['id'] ?? '');
  if (!existing) return noSuchEntity('id', request.params['id'] ?? '');
  const input = (request.body as { creditLimit: Partial<CreditLimit> & { exceed_limit: boolean } })
    .creditLimit;
  if (input.company_id !== undefined && input.company_id !== existing.company_id) {
    return {
      status: 400,
      body: {
        message: 'Invalid attribute value. Row ID: company_id = %1',
        parameters: [String(input.company_id)],
      },
    };
  }
  const next: CreditLimit = {
    ...existing,
    ...input,
    id: existing.id,
    company_id: existing.company_id,
    balance: existing.balance,
  };
  state.putCredit(next);
  return ok(next);
}

function putCompany(state: CommerceState, request: RouteRequest): RouteResponse {
  const id = Number(request.params['companyId']);
  const existing = state.companies.get(id);
  if (!existing) return noSuchEntity('id', String(id));
  const input = (request.body as { company: Partial<Company> }).company;
  const next: Company = { ...existing, ...input, id };
  state.putCompany(next);
  return ok(next);
}

export const routes: Record<string, RouteHandler> = {
  'POST /V1/inventory/source-items': saveSourceItems,
  'POST /V1/inventory/source-items-delete': deleteSourceItems,
  'GET /V1/inventory/source-items': (state, r) =>
    ok({
      ...search([...state.sourceItems.values()], searchCriteriaOf(r.query)),
      search_criteria: {},
    }),
  'GET /V1/company/': (state, r) =>
    ok({
      ...search([...state.companies.values()], searchCriteriaOf(r.query)),
      search_criteria: {},
    }),
  'GET /V1/company/{companyId}': (state, r) => {
    const company = state.companies.get(Number(r.params['companyId']));
    return company ? ok(company) : noSuchEntity('id', r.params['companyId'] ?? '');
  },
  'PUT /V1/company/{companyId}': putCompany,
  'GET /V1/companyCredits/company/{companyId}': (state, r) => {
    const credit = state.creditOfCompany(Number(r.params['companyId']));
    return credit ? ok(credit) : noSuchEntity('companyId', r.params['companyId'] ?? '');
  },
  'GET /V1/companyCredits/{creditId}': (state, r) => {
    const credit = creditOf(state, r.params['creditId'] ?? '');
    return credit ? ok(credit) : noSuchEntity('id', r.params['creditId'] ?? '');
  },
  'PUT /V1/companyCredits/{id}': putCredit,
  'GET /V1/sharedCatalog/': (state, r) =>
    ok({
      ...search([...state.sharedCatalogs.values()], searchCriteriaOf(r.query)),
      search_criteria: {},
    }),
  'GET /V1/customerGroups/{id}': (state, r) => {
    const group = state.customerGroups.get(Number(r.params['id']));
    return group ? ok(group) : noSuchEntity('id', r.params['id'] ?? '');
  },
  ...priceRoutes,
  ...orderRoutes,
  ...catalogRoutes,
  ...customerRoutes,
};
