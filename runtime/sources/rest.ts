// Generic REST and Adobe Commerce delta readers, both paged the server's way (since-reader.ts).
// REST: `GET <path>?<sinceParameter>=<ISO time>` (inclusive), rows in change order under
// `itemsField`; paging by `page`+`pageSize`, `offset`+`limit`, or a next link the response
// carries (`nextLink`, `next`, `@odata.nextLink` or `links.next`), followed unchanged.
// Commerce: `searchCriteria` with `updated_at gteq`, sorted by (updated_at, entity_id),
// `currentPage`/`pageSize`, `total_count`; its timestamps are UTC `YYYY-MM-DD HH:MM:SS`. A
// second shared by more orders than a page is read with `updated_at eq` AND `entity_id gt`
// (filter groups are AND-ed), then the read goes on with `updated_at gt`: never a page number.
import { keyOf, type DeltaRow } from './delta.ts';
import type { ErpClient } from './erp-client.ts';
import type { RawPage, SinceRequest } from './since-paging.ts';
import { SinceReader } from './since-reader.ts';
import type { CommerceSource, RestSource } from './source-specs.ts';

/** Epoch ms of an ISO time, a Commerce `YYYY-MM-DD HH:MM:SS` (UTC) or epoch ms. */
export function restTimeMs(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(raw)
    ? `${raw.replace(' ', 'T')}Z`
    : raw;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as Commerce filters its timestamps. */
export function commerceTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function rowOf(
  item: Record<string, unknown>,
  spec: { keyFields: readonly string[]; modifiedField: string; name: string },
): DeltaRow {
  const modifiedMs = restTimeMs(item[spec.modifiedField]);
  if (modifiedMs === undefined)
    throw new Error(`${spec.name}: a record has no readable ${spec.modifiedField}`);
  return { key: keyOf(spec.keyFields.map((f) => item[f])), modifiedMs, data: item };
}

function linkOf(body: Record<string, unknown>): string | undefined {
  const links = body['links'] as Record<string, unknown> | undefined;
  const link = body['nextLink'] ?? body['next'] ?? body['@odata.nextLink'] ?? links?.['next'];
  return typeof link === 'string' && link !== '' ? link : undefined;
}

function restParamsOf(
  spec: RestSource,
  request: SinceRequest,
  limit: number,
): Record<string, string> {
  const since = spec.sinceParameter
    ? { [spec.sinceParameter]: new Date(request.sinceMs).toISOString() }
    : {};
  if (spec.paging === 'page')
    return { ...since, page: String(request.page), pageSize: String(limit) };
  if (spec.paging === 'offset')
    return { ...since, offset: String((request.page - 1) * limit), limit: String(limit) };
  if (spec.paging === 'nextLink') return { ...since, limit: String(limit) };
  return since;
}

export function restReaderFor(client: ErpClient, spec: RestSource): SinceReader {
  const name = `rest:${spec.path}`;
  return new SinceReader({
    name,
    paging: spec.paging,
    canSeek: spec.sinceParameter !== undefined,
    fetch: async (request, limit): Promise<RawPage> => {
      const url = request.link
        ? new URL(request.link, client.urlOf(spec.path))
        : client.urlOf(spec.path, restParamsOf(spec, request, limit));
      const body = (await client.json('GET', url)) as Record<string, unknown>;
      const items = (body[spec.itemsField] ?? []) as Record<string, unknown>[];
      const total = body['total'] ?? body['totalCount'];
      return {
        rows: items.map((item) => rowOf(item, { ...spec, name })),
        link: linkOf(body),
        total: typeof total === 'number' ? total : undefined,
      };
    },
  });
}

function commerceParamsOf(
  spec: CommerceSource,
  request: SinceRequest,
  limit: number,
): Record<string, string> {
  // Filters in separate groups are AND-ed: the time, and within a tie the key after the last.
  const filter = 'searchCriteria[filter_groups][0][filters][0]';
  const tie = 'searchCriteria[filter_groups][1][filters][0]';
  const condition = request.tieKey !== undefined ? 'eq' : request.exclusive ? 'gt' : 'gteq';
  return {
    [`${filter}[field]`]: spec.modifiedField,
    [`${filter}[value]`]: commerceTime(request.sinceMs),
    [`${filter}[condition_type]`]: condition,
    ...(request.tieKey === undefined
      ? {}
      : {
          [`${tie}[field]`]: spec.keyField,
          [`${tie}[value]`]: request.tieKey,
          [`${tie}[condition_type]`]: 'gt',
        }),
    'searchCriteria[sortOrders][0][field]': spec.modifiedField,
    'searchCriteria[sortOrders][0][direction]': 'ASC',
    'searchCriteria[sortOrders][1][field]': spec.keyField,
    'searchCriteria[sortOrders][1][direction]': 'ASC',
    'searchCriteria[pageSize]': String(limit),
    'searchCriteria[currentPage]': String(request.page),
  };
}

export function commerceReaderFor(client: ErpClient, spec: CommerceSource): SinceReader {
  const name = `commerce:${spec.path}`;
  const keyed = { keyFields: [spec.keyField], modifiedField: spec.modifiedField, name };
  return new SinceReader({
    name,
    paging: 'page',
    canSeek: true,
    canSeekKey: true,
    fetch: async (request, limit): Promise<RawPage> => {
      const url = client.urlOf(`rest${spec.path}`, commerceParamsOf(spec, request, limit));
      const body = (await client.json('GET', url)) as {
        items?: Record<string, unknown>[];
        total_count?: number;
      };
      return {
        rows: (body.items ?? []).map((item) => rowOf(item, keyed)),
        total: body.total_count,
      };
    },
  });
}
