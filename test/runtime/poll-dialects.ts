// The three ERP dialects the poll tests run against: the double's entity, the SyncFlow source
// section and mapping that read it, and how one inventory row looks in it.
import type { ErpEntity } from '../doubles/erp/erp-double.ts';
import type { Value } from '../doubles/erp/expression.ts';

export interface DialectCase {
  dialect: string;
  connectionType: string;
  entity: () => ErpEntity;
  source: Record<string, unknown>;
  fields: Record<string, unknown>;
  quantityField: string;
  /** Key and fields of row `i` (SKU `${prefix}-${i}`). */
  row: (prefix: string, i: number, quantity: number) => [string, Record<string, Value>];
}

const wh1 = { value: 'wh1', type: 'string' };

function restCase(paging: 'page' | 'offset' | 'cursor'): DialectCase {
  return {
    dialect: `rest-${paging}`,
    connectionType: 'rest',
    entity: () => ({
      name: 'stock',
      keyField: 'sku',
      modifiedField: 'modifiedAt',
      properties: ['onHand'],
    }),
    source: {
      rest: {
        path: '/stock',
        keyFields: ['sku'],
        modifiedField: 'modifiedAt',
        sinceParameter: 'modifiedSince',
        paging: paging === 'cursor' ? 'nextLink' : paging,
        pageSize: 5,
      },
    },
    fields: {
      sku: { path: 'sku', type: 'string' },
      sourceCode: wh1,
      quantity: { path: 'onHand', type: 'number' },
    },
    quantityField: 'onHand',
    row: (prefix, i, quantity) => [`${prefix}-${i}`, { onHand: quantity }],
  };
}

/** The dialects that can read entities by key (notification events). */
export const keyedDialects = (): DialectCase[] =>
  dialects.filter((d) => !d.connectionType.startsWith('rest'));

export const dialects: DialectCase[] = [
  {
    dialect: 'odata-v4',
    connectionType: 'odata',
    entity: () => ({
      name: 'stock',
      keyField: 'ItemNo',
      modifiedField: 'lastModifiedDateTime',
      properties: ['Quantity', 'Location'],
    }),
    source: {
      odata: {
        entitySet: 'stock',
        keyFields: ['ItemNo'],
        modifiedField: 'lastModifiedDateTime',
        pageSize: 5,
      },
    },
    fields: {
      sku: { path: 'ItemNo', type: 'string' },
      sourceCode: wh1,
      quantity: { path: 'Quantity', type: 'number' },
    },
    quantityField: 'Quantity',
    row: (prefix, i, quantity) => [`${prefix}-${i}`, { Quantity: quantity, Location: 'MAIN' }],
  },
  {
    dialect: 'odata-v2',
    connectionType: 'odata-v2',
    entity: () => ({
      name: 'A_Stock',
      keyField: 'Material',
      modifiedField: 'LastChangeDate',
      timeField: 'LastChangeTime',
      properties: ['Quantity', 'Plant'],
    }),
    source: {
      odata: {
        entitySet: 'A_Stock',
        keyFields: ['Material'],
        modifiedField: 'LastChangeDate',
        modifiedTimeField: 'LastChangeTime',
        pageSize: 5,
      },
    },
    fields: {
      sku: { path: 'Material', type: 'string' },
      sourceCode: wh1,
      quantity: { path: 'Quantity', type: 'decimal' },
    },
    quantityField: 'Quantity',
    row: (prefix, i, quantity) => [`${prefix}-${i}`, { Quantity: quantity, Plant: '1010' }],
  },
  {
    dialect: 'suiteql',
    connectionType: 'suiteql',
    entity: () => ({
      name: 'inventorybalance',
      keyField: 'id',
      modifiedField: 'lastmodifieddate',
      properties: ['item', 'quantityonhand'],
      numericKey: true,
    }),
    source: { suiteql: { recordType: 'inventorybalance', pageSize: 5 } },
    fields: {
      sku: { path: 'item', type: 'string' },
      sourceCode: wh1,
      quantity: { path: 'quantityonhand', type: 'number' },
    },
    quantityField: 'quantityonhand',
    row: (prefix, i, quantity) => [
      String(i + 1),
      { item: `${prefix}-${i}`, quantityonhand: quantity },
    ],
  },
  restCase('page'),
  restCase('offset'),
  restCase('cursor'),
];
