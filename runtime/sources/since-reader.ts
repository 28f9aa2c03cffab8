// A DeltaReader over a source that pages the server's way (since-paging.ts decides the next
// request): the first page starts a query from the bound's time, each later page goes on from
// the request the last page left, skipping pages whose rows were all read already.
import type { DeltaBound, DeltaCursor, DeltaPage, DeltaReader } from './delta.ts';
import {
  judgePage,
  signatureOf,
  type Judged,
  type PagingState,
  type RawPage,
  type SincePaging,
  type SinceRequest,
} from './since-paging.ts';

export type PageFetch = (request: SinceRequest, limit: number) => Promise<RawPage>;

export interface SinceReaderOptions {
  name: string;
  paging: SincePaging;
  /** Whether the source filters by a since parameter (a query can start at any time). */
  canSeek: boolean;
  /** Whether the source can also filter on the key within one time (`tieKey`, `exclusive`). */
  canSeekKey?: boolean;
  fetch: PageFetch;
}

/** Pages of already-read rows skipped in one call at most (a long run of one timestamp). */
const maxEmptyPages = 1000;

export class SinceReader implements DeltaReader {
  readonly name: string;
  readonly #options: SinceReaderOptions;
  #next: SinceRequest | undefined;
  #previous: string | undefined;

  constructor(options: SinceReaderOptions) {
    this.#options = options;
    this.name = options.name;
  }

  /** Only records tell the shape. */
  fields(): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }

  async page(bound: DeltaBound, limit: number): Promise<DeltaPage> {
    const first = 'sinceMs' in bound;
    if (first) this.#previous = undefined;
    let request = first ? { sinceMs: bound.sinceMs, page: 1 } : this.#next;
    const after = first ? undefined : bound.after;
    for (let skipped = 0; request && skipped < maxEmptyPages; skipped++) {
      const raw = await this.#options.fetch(request, limit);
      const judged = this.#judge(request, raw, { limit, after });
      if (judged.rows.length > 0 || !judged.next)
        return {
          rows: judged.rows,
          more: judged.next !== undefined,
          ...(raw.total === undefined || request.page > 1 ? {} : { total: raw.total }),
        };
      request = judged.next;
    }
    return { rows: [], more: false };
  }

  #judge(
    request: SinceRequest,
    raw: RawPage,
    at: { limit: number; after: DeltaCursor | undefined },
  ): Judged {
    const state: PagingState = {
      request,
      ...(this.#previous === undefined ? {} : { previous: this.#previous }),
    };
    const judged = judgePage(state, raw, {
      paging: this.#options.paging,
      limit: at.limit,
      canSeek: this.#options.canSeek,
      canSeekKey: this.#options.canSeekKey ?? false,
      ...(at.after ? { after: at.after } : {}),
    });
    this.#previous = signatureOf(raw.rows);
    this.#next = judged.next;
    return judged;
  }
}
