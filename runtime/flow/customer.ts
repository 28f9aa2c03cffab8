// Customer master into Commerce B2B: a company, a buyer (a company user) or one address of a
// buyer's or company's address book, each keyed by the ERP's ids. The sink matches every one by
// its ERP id before it creates anything; addresses are written as the owner's complete list.
import type { DecodedEvent, MessageIn } from './decode.ts';
import {
  envelopeFor,
  type Built,
  type FieldReader,
  type FlowOptions,
  type MapResult,
} from './envelope.ts';

export const customerEntities = ['company', 'buyer', 'address'] as const;
export type CustomerEntity = (typeof customerEntities)[number];

export interface CompanyRecord {
  flow: 'customer';
  entity: 'company';
  externalId: string;
  name: string;
  email: string;
  legalName: string | undefined;
  vatTaxId: string | undefined;
  street: string[];
  city: string | undefined;
  postcode: string | undefined;
  countryId: string | undefined;
  region: string | undefined;
  telephone: string | undefined;
  /** The company administrator's names (its first user); the company name when absent. */
  adminFirstName: string | undefined;
  adminLastName: string | undefined;
}

export interface BuyerRecord {
  flow: 'customer';
  entity: 'buyer';
  externalId: string;
  companyExternalId: string;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string | undefined;
  telephone: string | undefined;
  /** false: the company user is inactive (a deleted buyer becomes inactive too). */
  active: boolean;
}

export interface AddressRecord {
  flow: 'customer';
  entity: 'address';
  externalId: string;
  /** The ERP id of the buyer, or of the company (its administrator's address book). */
  ownerExternalId: string;
  street: string[];
  city: string;
  postcode: string;
  countryId: string;
  region: string | undefined;
  telephone: string | undefined;
  company: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  defaultShipping: boolean;
  defaultBilling: boolean;
}

export type CustomerRecord = CompanyRecord | BuyerRecord | AddressRecord;

function text(reader: FieldReader, name: string): string | undefined {
  const value = reader.read(name);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function required(reader: FieldReader, name: string, deleted: boolean): string | undefined {
  const value = deleted ? (reader.read(name) ?? '') : reader.required(name);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}

function streetOf(reader: FieldReader, deleted: boolean): string[] | undefined {
  const value = deleted ? reader.read('street') : reader.required('street');
  if (Array.isArray(value)) return (value as unknown[]).map(String).filter((s) => s !== '');
  if (typeof value === 'string') return value.split('\n').filter((s) => s !== '');
  return deleted ? [] : undefined;
}

function companyOf(reader: FieldReader, deleted: boolean): Built<CompanyRecord> {
  const externalId = required(reader, 'externalId', false);
  const name = required(reader, 'name', deleted);
  const email = required(reader, 'email', deleted);
  if (externalId === undefined || name === undefined || email === undefined) return undefined;
  const street = reader.read('street');
  return {
    key: externalId,
    record: {
      flow: 'customer',
      entity: 'company',
      externalId: externalId,
      name,
      email,
      legalName: text(reader, 'legalName'),
      vatTaxId: text(reader, 'vatTaxId'),
      street: street === undefined ? [] : (streetOf(reader, true) ?? []),
      city: text(reader, 'city'),
      postcode: text(reader, 'postcode'),
      countryId: text(reader, 'countryId'),
      region: text(reader, 'region'),
      telephone: text(reader, 'telephone'),
      adminFirstName: text(reader, 'adminFirstName'),
      adminLastName: text(reader, 'adminLastName'),
    },
  };
}

function buyerOf(reader: FieldReader, deleted: boolean): Built<BuyerRecord> {
  const externalId = required(reader, 'externalId', false);
  const companyId = required(reader, 'companyExternalId', deleted);
  const email = required(reader, 'email', deleted);
  const firstName = required(reader, 'firstName', deleted);
  const lastName = required(reader, 'lastName', deleted);
  if (externalId === undefined || companyId === undefined || email === undefined) return undefined;
  if (firstName === undefined || lastName === undefined) return undefined;
  const active = reader.read('active');
  return {
    key: externalId,
    record: {
      flow: 'customer',
      entity: 'buyer',
      externalId: externalId,
      companyExternalId: companyId,
      email,
      firstName,
      lastName,
      jobTitle: text(reader, 'jobTitle'),
      telephone: text(reader, 'telephone'),
      active: !deleted && active !== false,
    },
  };
}

function addressOf(reader: FieldReader, deleted: boolean): Built<AddressRecord> {
  const externalId = required(reader, 'externalId', false);
  const owner = required(reader, 'ownerExternalId', false);
  const street = streetOf(reader, deleted);
  const [city, postcode, countryId] = ['city', 'postcode', 'countryId'].map((name) =>
    required(reader, name, deleted),
  );
  if (externalId === undefined || owner === undefined || street === undefined) return undefined;
  if (city === undefined || postcode === undefined || countryId === undefined) return undefined;
  return {
    key: `${owner}|${externalId}`,
    record: {
      flow: 'customer',
      entity: 'address',
      externalId: externalId,
      ownerExternalId: owner,
      street,
      city,
      postcode,
      countryId,
      region: text(reader, 'region'),
      telephone: text(reader, 'telephone'),
      company: text(reader, 'company'),
      firstName: text(reader, 'firstName'),
      lastName: text(reader, 'lastName'),
      defaultShipping: reader.read('defaultShipping') === true,
      defaultBilling: reader.read('defaultBilling') === true,
    },
  };
}

function build(
  entity: CustomerEntity,
  reader: FieldReader,
  deleted: boolean,
): Built<CustomerRecord> {
  switch (entity) {
    case 'company':
      return companyOf(reader, deleted);
    case 'buyer':
      return buyerOf(reader, deleted);
    case 'address':
      return addressOf(reader, deleted);
  }
}

export function customerRecordFor(
  entity: CustomerEntity,
): (event: DecodedEvent, message: MessageIn, options: FlowOptions) => MapResult<CustomerRecord> {
  return (event, message, options) =>
    envelopeFor({ event, message, options }, (reader, deleted) => build(entity, reader, deleted));
}
