// What the Commerce double remembers, kept the way Commerce keeps it: source items upserted on
// (sku, source_code) — unknown SKUs accepted and stored as orphans —, companies with a status,
// one credit record per company, and a log of every write so tests can count them.

export interface SourceItem {
  sku: string;
  source_code: string;
  quantity: number;
  status: number;
}

export interface Company {
  id: number;
  status: number;
  company_name: string;
  company_email: string;
  reseller_id?: string;
  vat_tax_id?: string;
  street: string[];
  city: string;
  country_id: string;
  postcode: string;
  telephone: string;
  customer_group_id: number;
  sales_representative_id: number;
  reject_reason: string;
  rejected_at: string;
  super_user_id: number;
}

export interface CreditLimit {
  id: number;
  company_id: number;
  credit_limit: number;
  balance: number;
  currency_code: string;
  exceed_limit: boolean;
  available_limit: number;
  credit_comment?: string;
}

export interface WriteLogEntry {
  /** `sourceItem`, `sourceItemDelete`, `creditLimit` or `company`. */
  kind: string;
  key: string;
  value: unknown;
  atMs: number;
}

const sourceItemKey = (sku: string, sourceCode: string): string => `${sku}|${sourceCode}`;

export class CommerceState {
  readonly sourceItems = new Map<string, SourceItem>();
  readonly knownSkus = new Set<string>();
  readonly companies = new Map<number, Company>();
  readonly credits = new Map<number, CreditLimit>();
  readonly writes: WriteLogEntry[] = [];
  #nextId = 1;

  upsertSourceItem(item: SourceItem): void {
    const key = sourceItemKey(item.sku, item.source_code);
    this.sourceItems.set(key, { ...item });
    this.writes.push({
      kind: 'sourceItem',
      key,
      value: { quantity: item.quantity, status: item.status },
      atMs: Date.now(),
    });
  }

  deleteSourceItem(sku: string, sourceCode: string): void {
    const key = sourceItemKey(sku, sourceCode);
    this.sourceItems.delete(key);
    this.writes.push({ kind: 'sourceItemDelete', key, value: null, atMs: Date.now() });
  }

  sourceItem(sku: string, sourceCode: string): SourceItem | undefined {
    return this.sourceItems.get(sourceItemKey(sku, sourceCode));
  }

  /** Source items stored for SKUs the catalog does not know (Commerce issue #30274). */
  orphanSourceItems(): SourceItem[] {
    return [...this.sourceItems.values()].filter((item) => !this.knownSkus.has(item.sku));
  }

  /** Creates a company with its credit record, as Commerce does. */
  addCompany(
    fields: Partial<Company> & { company_name: string },
    credit: Partial<CreditLimit> = {},
  ): Company {
    const id = this.#nextId++;
    const company: Company = {
      id,
      status: 1,
      company_email: `c${id}@example.com`,
      street: ['1 Main St'],
      city: 'Berlin',
      country_id: 'DE',
      postcode: '10115',
      telephone: '+49 30 1',
      customer_group_id: 1,
      sales_representative_id: 1,
      reject_reason: '',
      rejected_at: '',
      super_user_id: 1,
      ...fields,
    };
    this.companies.set(id, company);
    const creditId = this.#nextId++;
    this.credits.set(creditId, {
      id: creditId,
      company_id: id,
      credit_limit: 0,
      balance: 0,
      currency_code: 'USD',
      exceed_limit: false,
      available_limit: 0,
      ...credit,
    });
    return company;
  }

  creditOfCompany(companyId: number): CreditLimit | undefined {
    return [...this.credits.values()].find((c) => c.company_id === companyId);
  }

  putCredit(credit: CreditLimit): void {
    credit.available_limit = credit.credit_limit + credit.balance;
    this.credits.set(credit.id, credit);
    this.writes.push({
      kind: 'creditLimit',
      key: String(credit.company_id),
      value: { credit_limit: credit.credit_limit, currency_code: credit.currency_code },
      atMs: Date.now(),
    });
  }

  putCompany(company: Company): void {
    this.companies.set(company.id, company);
    this.writes.push({
      kind: 'company',
      key: String(company.id),
      value: { status: company.status },
      atMs: Date.now(),
    });
  }

  writesOf(kind: string, key?: string): WriteLogEntry[] {
    return this.writes.filter((w) => w.kind === kind && (key === undefined || w.key === key));
  }
}
