import { describe, expect, it } from 'vitest';
import { syncConnectionSpecSchema } from './connection.ts';

const sap = {
  type: 'odata-v2',
  url: 'https://sap.example.com/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV',
  auth: { basic: { secretRef: { name: 'sap-credentials' } } },
};

function issuesOf(spec: unknown): { path: string; message: string }[] {
  const result = syncConnectionSpecSchema.safeParse(spec);
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('SyncConnection spec', () => {
  it('fills key names and the concurrency budget by default', () => {
    expect(syncConnectionSpecSchema.parse(sap)).toMatchObject({
      auth: {
        basic: {
          secretRef: { name: 'sap-credentials' },
          usernameKey: 'username',
          passwordKey: 'password',
        },
      },
      concurrency: { maxInFlight: 4 },
      requestTimeout: '30s',
    });
  });

  it.each([
    ['kafka with brokers', { type: 'kafka', brokers: ['kafka-0.kafka:9092'] }],
    ['redis with a URL', { type: 'redis', url: 'redis://redis:6379/0' }],
    [
      'commerce with OAuth 1.0a and a source map',
      {
        type: 'commerce',
        url: 'https://shop.example.com',
        auth: { oauth1: { secretRef: { name: 'commerce-integration' } } },
        commerce: { sources: { '1010': 'wh_east' } },
      },
    ],
    [
      'a private CA from a ConfigMap',
      { ...sap, tls: { caBundle: { configMapRef: { name: 'corp-ca' } } } },
    ],
  ])('accepts %s', (_name, spec) => {
    expect(issuesOf(spec)).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'two auth methods',
      { ...sap, auth: { basic: sap.auth.basic, bearer: { secretRef: { name: 'token' } } } },
      'auth',
      /exactly one of basic, bearer, oauth1, oauth2/,
    ],
    [
      'an inline password',
      { ...sap, auth: { basic: { username: 'u', password: 'p' } } },
      'auth.basic.secretRef',
      /expected object/,
    ],
    [
      'kafka with a url',
      { type: 'kafka', url: 'https://kafka' },
      '',
      /kafka connections list brokers/,
    ],
    ['an unknown type', { ...sap, type: 'soap' }, 'type', /Invalid option/],
    ['an ftp url', { ...sap, url: 'ftp://sap' }, 'url', /http\(s\)/],
    ['commerce settings on an ERP', { ...sap, commerce: {} }, 'commerce', /type commerce/],
    [
      'commerce without credentials',
      { type: 'commerce', url: 'https://shop' },
      'auth',
      /needs credentials/,
    ],
    [
      'redis with a bearer token',
      { type: 'redis', url: 'redis://r', auth: { bearer: { secretRef: { name: 's' } } } },
      'auth',
      /auth.basic/,
    ],
    [
      'a CA bundle from two places',
      { ...sap, tls: { caBundle: { configMapRef: { name: 'a' }, secretRef: { name: 'b' } } } },
      'tls.caBundle',
      /exactly one/,
    ],
    [
      'a zero concurrency budget',
      { ...sap, concurrency: { maxInFlight: 0 } },
      'concurrency.maxInFlight',
      />=1/,
    ],
  ])('rejects %s, naming the field', (_name, spec, path, message) => {
    expect(issuesOf(spec)).toContainEqual({
      path,
      message: expect.stringMatching(message) as string,
    });
  });
});
