// Credit: a company's credit limit and credit hold as absolute values. The balance is not synced
// here: Commerce moves it only by deltas, which this idempotent path refuses by design.

import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';

export interface CreditRecord {
  flow: 'credit';
  /** The ERP's customer/company id; the sink maps it to the Commerce company. */
  companyExternalId: string;
  creditLimit: number | undefined;
  currency: string | undefined;
  /** true → checkout blocked (company status Blocked); undefined → leave the status alone. */
  onHold: boolean | undefined;
}

function problemOf(deleted: boolean, creditLimit: unknown, onHold: unknown): string | undefined {
  if (deleted)
    return 'a deleted credit record cannot be applied: Commerce company credit has no delete';
  if (creditLimit === undefined && onHold === undefined)
    return 'record carries neither creditLimit nor onHold';
  if (typeof creditLimit === 'number' && creditLimit < 0)
    return `creditLimit ${creditLimit} is negative`;
  return undefined;
}

function build(reader: FieldReader, deleted: boolean): Built<CreditRecord> {
  const companyId = reader.required('companyExternalId');
  const creditLimit = reader.read('creditLimit');
  const currency = reader.read('currency');
  const onHold = reader.read('onHold');
  if (typeof companyId !== 'string' && typeof companyId !== 'number') return undefined;
  const problem = problemOf(deleted, creditLimit, onHold);
  if (problem !== undefined) {
    reader.errors.push(problem);
    return undefined;
  }
  return {
    key: String(companyId),
    record: {
      flow: 'credit',
      companyExternalId: String(companyId),
      creditLimit: typeof creditLimit === 'number' ? creditLimit : undefined,
      currency: typeof currency === 'string' ? currency : undefined,
      onHold: typeof onHold === 'boolean' ? onHold : undefined,
    },
  };
}

export function creditRecordFor(
  event: DecodedEvent,
  message: MessageIn,
  options: FlowOptions,
): MapResult<CreditRecord> {
  return envelopeFor({ event, message, options }, (reader, deleted) => build(reader, deleted));
}
