// OData answers of the ERP doubles. v4 (Business Central, Epicor): `{value, @odata.count,
// @odata.nextLink}`, ISO timestamps. v2 (SAP A2X): `{d: {results, __count, __next}}`,
// `/Date(ms)/` dates, a date-only change field beside an Edm.Time field, decimals as strings.
// Both cap pages (`maxPageSize`, `Prefer: odata.maxpagesize`) and page on by an *offset*
// skiptoken, as many servers do: a row that changes between two pages shifts the rest.
import { evaluate, parseFilter } from './expression.ts';
import type { ErpRow, ErpStore } from './erp-store.ts';

export interface ODataRequest {
  url: URL;
  version: 4 | 2;
  maxPageSize: number;
  preferMaxPageSize: number | undefined;
}

export interface Answer {
  status: number;
  body: string;
  contentType: string;
}

const json = (status: number, body: unknown): Answer => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

export function metadataOf(store: ErpStore, version: 4 | 2): Answer {
  const { name, keyField, modifiedField, timeField, properties } = store.entity;
  const typeName = `${name}Type`;
  const props = [keyField, modifiedField, ...(timeField ? [timeField] : []), ...properties]
    .map((p) => `<Property Name="${p}" Type="Edm.String"/>`)
    .join('');
  const ns =
    version === 4
      ? 'http://docs.oasis-open.org/odata/ns/edm'
      : 'http://schemas.microsoft.com/ado/2008/09/edm';
  const body =
    `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="${version === 4 ? '4.0' : '1.0'}" ` +
    `xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>` +
    `<Schema Namespace="erp" xmlns="${ns}"><EntityType Name="${typeName}"><Key><PropertyRef Name="${keyField}"/></Key>${props}</EntityType>` +
    `<EntityContainer Name="container"><EntitySet Name="${name}" EntityType="erp.${typeName}"/></EntityContainer>` +
    `</Schema></edmx:DataServices></edmx:Edmx>`;
  return { status: 200, body, contentType: 'application/xml' };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function renderV4(store: ErpStore, row: ErpRow): Record<string, unknown> {
  const { keyField, modifiedField } = store.entity;
  return {
    ...row.fields,
    [keyField]: row.key,
    [modifiedField]: new Date(row.modifiedMs).toISOString(),
  };
}

function renderV2(store: ErpStore, row: ErpRow): Record<string, unknown> {
  const { name, keyField, modifiedField, timeField } = store.entity;
  const fields = Object.fromEntries(
    Object.entries(row.fields).map(([k, v]) => [k, typeof v === 'number' ? v.toFixed(3) : v]),
  );
  const date = new Date(row.modifiedMs);
  const out: Record<string, unknown> = {
    __metadata: { uri: `${name}('${row.key}')`, type: `erp.${name}Type` },
    ...fields,
    [keyField]: row.key,
  };
  if (timeField) {
    out[modifiedField] = `/Date(${Number(store.valueOf(row, modifiedField))})/`;
    out[timeField] =
      `PT${pad(date.getUTCHours())}H${pad(date.getUTCMinutes())}M${pad(date.getUTCSeconds())}S`;
  } else {
    out[modifiedField] = `/Date(${row.modifiedMs}+0000)/`;
  }
  return out;
}

function orderOf(text: string | null): string[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [name, direction] = part.trim().split(/\s+/);
    if (direction !== undefined && direction !== 'asc') throw new Error('only asc is served');
    return name ?? '';
  });
}

function numberParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  return raw === null ? undefined : Number(raw);
}

function filterOf(store: ErpStore, text: string | null): (row: ErpRow) => boolean {
  if (!text) return () => true;
  const node = parseFilter(text);
  return (row) => evaluate(node, (name) => store.valueOf(row, name));
}

interface Paged {
  page: ErpRow[];
  count: number;
  next: string | undefined;
}

function pageOf(store: ErpStore, request: ODataRequest): Paged {
  const { url } = request;
  const matching = store.select(
    filterOf(store, url.searchParams.get('$filter')),
    orderOf(url.searchParams.get('$orderby')),
  );
  const skip = numberParam(url, '$skip') ?? 0;
  const top = numberParam(url, '$top') ?? Number.POSITIVE_INFINITY;
  const window = matching.slice(skip, skip + top);
  const offset = numberParam(url, '$skiptoken') ?? 0;
  const cap = Math.min(request.maxPageSize, request.preferMaxPageSize ?? Infinity);
  const page = window.slice(offset, offset + cap);
  if (offset + cap >= window.length) return { page, count: matching.length, next: undefined };
  const nextUrl = new URL(url);
  nextUrl.searchParams.set('$skiptoken', String(offset + cap));
  return { page, count: matching.length, next: nextUrl.toString() };
}

export function queryOData(store: ErpStore, request: ODataRequest): Answer {
  const { url } = request;
  let paged: Paged;
  try {
    paged = pageOf(store, request);
  } catch (err) {
    return json(400, { error: { code: 'BadRequest', message: (err as Error).message } });
  }
  const { page, count, next } = paged;
  if (request.version === 4)
    return json(200, {
      '@odata.context': `$metadata#${store.entity.name}`,
      ...(url.searchParams.get('$count') === 'true' ? { '@odata.count': count } : {}),
      value: page.map((r) => renderV4(store, r)),
      ...(next ? { '@odata.nextLink': next } : {}),
    });
  return json(200, {
    d: {
      results: page.map((r) => renderV2(store, r)),
      ...(url.searchParams.get('$inlinecount') === 'allpages' ? { __count: String(count) } : {}),
      ...(next ? { __next: next } : {}),
    },
  });
}
