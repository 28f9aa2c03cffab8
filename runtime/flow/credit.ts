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
  companyId: string;
  creditLimit: number | undefined;
  currency: string | undefined;
  /** true → checkout blocked (company status Blocked); undefined → leave the status alone. */
  onHold: boolean | undefined;
}

function build(reader: FieldReader, deleted: boolean): Built<CreditRecord> {
  const companyId = reader.required('companyId');
  const creditLimit = reader.read('creditLimit');
  const currency = reader.read('currency');
  const onHold = reader.read('onHold');
  if (typeof companyId !== 'string') return undefined;
  if (deleted) {
    reader.errors.push(
      'a deleted credit record cannot be applied: Commerce company credit has no delete',
    );
    return undefined;
  }
  if (creditLimit === undefined && onHold === undefined) {
    reader.errors.push('record carries neither creditLimit nor onHold');
    return undefined;
  }
  if (typeof creditLimit === 'number' && creditLimit < 0) {
    reader.errors.push(`creditLimit ${creditLimit} is negative`);
    return undefined;
  }
  return {
    key: companyId,
    record: {
      flow: 'credit',
      companyId,
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
