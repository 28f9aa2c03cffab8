// The seven flows of a distributor's ERP ↔ Commerce integration, their entity sub-kinds, their
// direction and the canonical fields a mapping must produce for each: the vocabulary of SyncFlow.
export const entitiesByFlow = {
  customer: ['company', 'buyer', 'address'],
  pricing: ['base', 'tier', 'special', 'sharedCatalog'],
  inventory: ['sourceItem'],
  catalog: ['product', 'category'],
  order: ['salesOrder'],
  credit: ['companyCredit'],
  orderStatus: ['shipment', 'invoice'],
} as const;

export type FlowName = keyof typeof entitiesByFlow;
export type EntityName = (typeof entitiesByFlow)[FlowName][number];

export const flowNames = Object.keys(entitiesByFlow) as FlowName[];
export const entityNames = [...new Set(Object.values(entitiesByFlow).flat())] as EntityName[];

/** True when `entity` is a sub-kind of `flow`. */
export function isEntityOf(flow: FlowName, entity: string): boolean {
  return (entitiesByFlow[flow] as readonly string[]).includes(entity);
}

/** Which way a flow moves data: orders go from Commerce to the ERP, everything else back. */
export function directionOf(flow: FlowName): 'erpToCommerce' | 'commerceToErp' {
  return flow === 'order' ? 'commerceToErp' : 'erpToCommerce';
}

export const mappingTypes = [
  'string',
  'integer',
  'number',
  'decimal',
  'boolean',
  'date',
  'dateTime',
  'array',
  'object',
] as const;
export type MappingType = (typeof mappingTypes)[number];

const text = ['string'] as const;
const amount = ['decimal', 'number'] as const;
const quantity = ['number', 'decimal', 'integer'] as const;
const id = ['string', 'integer'] as const;
const day = ['date', 'dateTime'] as const;
const lines = ['array'] as const;

/**
 * Canonical fields each entity's mapping must produce, with the mapping types that can carry
 * them. The runtime's flow code reads exactly these names; optional fields are not listed.
 */
export const requiredCanonicalFields: Record<EntityName, Record<string, readonly MappingType[]>> = {
  company: { externalId: id, name: text, email: text },
  buyer: { externalId: id, companyExternalId: id, email: text, firstName: text, lastName: text },
  address: {
    externalId: id,
    ownerExternalId: id,
    street: text,
    city: text,
    postcode: text,
    countryId: text,
  },
  base: { sku: text, price: amount },
  tier: { sku: text, customerGroup: text, quantity, price: amount },
  special: { sku: text, price: amount, priceFrom: day },
  sharedCatalog: { sku: text, sharedCatalog: text, price: amount },
  sourceItem: { sku: text, sourceCode: text, quantity },
  product: { sku: text, name: text },
  category: { externalId: id, name: text },
  salesOrder: { orderNumber: text, customerExternalId: id, lines },
  companyCredit: { companyExternalId: id, creditLimit: amount },
  shipment: { orderNumber: text, documentId: id, lines },
  invoice: { orderNumber: text, documentId: id, lines },
};
