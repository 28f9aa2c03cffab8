// Credit into Commerce B2B: the credit limit as an absolute `PUT /V1/companyCredits/{creditId}`
// and the credit hold as the company status (Blocked = 3 stops checkout; releasing a hold sets
// Approved = 1 only when the company is Blocked). The ERP id finds the Commerce company through
// a company attribute (`reseller_id` by default), remembered for the life of the process.
// Both writes read first and write only what differs.
import type { CreditRecord } from '../../flow/flow.ts';
import type { Attempt, Sink, WriteFailure, WriteItem, WriteResult } from '../sink.ts';
import { errorMessageOf, type CommerceClient, type CommerceResponse } from './commerce-client.ts';
import type { CompanyLock } from './company-lock.ts';

type Item = WriteItem<CreditRecord>;

export interface CreditSinkOptions {
  /** Company attribute holding the ERP id. Default: reseller_id. */
  companyLookupField: string;
  /** Excludes the customer-company flow's read-modify-write of the same company. */
  lock: CompanyLock;
}

interface Credit {
  id: number;
  company_id: number;
  credit_limit?: number;
  currency_code?: string;
  exceed_limit: boolean;
}

const blocked = 3;
const approved = 1;

class RowRefused {
  readonly failure: WriteFailure;
  constructor(failure: WriteFailure) {
    this.failure = failure;
  }
}

function refused(
  item: Item,
  reasonCode: string,
  what: string,
  response: CommerceResponse,
): RowRefused {
  return new RowRefused({
    key: item.key,
    reasonCode,
    reason: `${what}: Commerce answered ${response.status}: ${errorMessageOf(response.body)}`,
  });
}

export class CreditSink implements Sink<CreditRecord> {
  readonly #client: CommerceClient;
  readonly #options: CreditSinkOptions;
  readonly #companyIds = new Map<string, number>();

  constructor(client: CommerceClient, options: CreditSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  async write(items: readonly Item[], attempt: Attempt): Promise<WriteResult> {
    const outcomes = await Promise.all(items.map((item) => this.#writeOne(item, attempt)));
    return {
      applied: outcomes.filter((o): o is string => typeof o === 'string'),
      failed: outcomes
        .filter((o): o is RowRefused => o instanceof RowRefused)
        .map((o) => o.failure),
    };
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #writeOne(item: Item, attempt: Attempt): Promise<string | RowRefused> {
    const companyId = await this.#companyIdOf(item, attempt);
    if (companyId instanceof RowRefused) return companyId;
    if (item.record.creditLimit !== undefined) {
      const outcome = await this.#setLimit(item, companyId, attempt);
      if (outcome instanceof RowRefused) return outcome;
    }
    if (item.record.onHold !== undefined) {
      const outcome = await this.#setHold(item, companyId, attempt);
      if (outcome instanceof RowRefused) return outcome;
    }
    return item.key;
  }

  async #companyIdOf(item: Item, attempt: Attempt): Promise<number | RowRefused> {
    const erpId = item.record.companyExternalId;
    const known = this.#companyIds.get(erpId);
    if (known !== undefined) return known;
    const filter = 'searchCriteria[filter_groups][0][filters][0]';
    const query = `${filter}[field]=${encodeURIComponent(this.#options.companyLookupField)}&${filter}[value]=${encodeURIComponent(erpId)}&${filter}[condition_type]=eq&searchCriteria[pageSize]=2`;
    const response = await attempt('find company', () =>
      this.#client.request('GET', `/V1/company/?${query}`),
    );
    const found = (response.body as { items?: { id: number }[] } | undefined)?.items ?? [];
    if (response.status >= 300)
      return refused(item, 'SF_SINK_ROW_REJECTED', 'find company', response);
    if (found.length !== 1 || found[0] === undefined) {
      return new RowRefused({
        key: item.key,
        reasonCode: 'SF_UNKNOWN_COMPANY',
        reason: `${found.length} Commerce companies have ${this.#options.companyLookupField}=${erpId}; exactly one is needed`,
      });
    }
    this.#companyIds.set(erpId, found[0].id);
    return found[0].id;
  }

  async #setLimit(item: Item, companyId: number, attempt: Attempt): Promise<void | RowRefused> {
    const read = await attempt('read company credit', () =>
      this.#client.request('GET', `/V1/companyCredits/company/${companyId}`),
    );
    if (read.status >= 300)
      return refused(item, 'SF_SINK_ROW_REJECTED', 'read company credit', read);
    const credit = read.body as Credit;
    const currency = item.record.currency ?? credit.currency_code;
    if (credit.credit_limit === item.record.creditLimit && credit.currency_code === currency)
      return;
    const body = {
      creditLimit: {
        id: credit.id,
        company_id: companyId,
        credit_limit: item.record.creditLimit,
        exceed_limit: credit.exceed_limit,
        ...(currency === undefined ? {} : { currency_code: currency }),
      },
    };
    const put = await attempt('set credit limit', () =>
      this.#client.request('PUT', `/V1/companyCredits/${credit.id}`, body),
    );
    if (put.status >= 300) return refused(item, 'SF_SINK_ROW_REJECTED', 'set credit limit', put);
  }

  #setHold(item: Item, companyId: number, attempt: Attempt): Promise<void | RowRefused> {
    return this.#options.lock.around(companyId, () =>
      this.#setHoldLocked(item, companyId, attempt),
    );
  }

  async #setHoldLocked(
    item: Item,
    companyId: number,
    attempt: Attempt,
  ): Promise<void | RowRefused> {
    const read = await attempt('read company', () =>
      this.#client.request('GET', `/V1/company/${companyId}`),
    );
    if (read.status >= 300) return refused(item, 'SF_SINK_ROW_REJECTED', 'read company', read);
    const company = read.body as { status?: number };
    const status = item.record.onHold
      ? blocked
      : company.status === blocked
        ? approved
        : company.status;
    if (status === company.status) return;
    const put = await attempt('set company status', () =>
      this.#client.request('PUT', `/V1/company/${companyId}`, { company: { ...company, status } }),
    );
    if (put.status >= 300) return refused(item, 'SF_SINK_ROW_REJECTED', 'set company status', put);
  }
}
