import { describe, expect, it } from 'vitest';
import { connectionNamesOf, parseFlowConfig, secretDirFor } from './flow-config.ts';
import { syncFlowSpecSchema } from './syncflow.ts';

const spec = {
  flow: 'credit',
  entity: 'companyCredit',
  maxLag: '30s',
  source: {
    connection: 'kafka',
    kafka: { topic: 'erp.credit', payload: 'notification' },
    poll: {
      connection: 'erp',
      odata: {
        entitySet: 'customers',
        keyFields: ['number'],
        modifiedField: 'lastModifiedDateTime',
      },
    },
  },
  mapping: {
    fields: {
      companyExternalId: { path: 'number', type: 'string' },
      creditLimit: { path: 'creditLimit', type: 'decimal' },
    },
  },
  sink: { connection: 'commerce' },
  state: { connection: 'redis' },
};

const document = {
  configVersion: 1,
  instanceId: 'prod-eu',
  flow: { namespace: 'acme', name: 'credit', uid: 'u-1', generation: 3, spec },
  plan: { pattern: 'event', mode: 'consume', maxLagSeconds: 30 },
  connections: {
    kafka: { spec: { type: 'kafka', brokers: ['kafka:9092'] } },
    erp: {
      spec: {
        type: 'odata',
        url: 'https://bc.example.com/api/v2.0',
        auth: { bearer: { secretRef: { name: 'bc' } } },
      },
      secretDir: secretDirFor('erp'),
    },
    commerce: {
      spec: {
        type: 'commerce',
        url: 'https://shop.example.com',
        auth: { oauth1: { secretRef: { name: 'c' } } },
      },
      secretDir: secretDirFor('commerce'),
    },
    redis: { spec: { type: 'redis', url: 'redis://redis:6379' } },
  },
};

describe('parseFlowConfig', () => {
  it('returns the typed document with defaults applied', () => {
    const result = parseFlowConfig(JSON.parse(JSON.stringify(document)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.flow.spec.pattern).toBe('auto');
    expect(result.config.connections.erp?.secretDir).toBe('/var/run/secrets/syncflow/erp/');
  });

  it('lists every issue with its path at once', () => {
    const result = parseFlowConfig({
      ...document,
      configVersion: 2,
      plan: { ...document.plan, mode: 'stream' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/at configVersion/);
    expect(result.error).toMatch(/at plan\.mode/);
  });

  it('rejects a document that lacks a connection the flow uses', () => {
    const connections: Partial<typeof document.connections> = { ...document.connections };
    delete connections.redis;
    const result = parseFlowConfig({ ...document, connections });
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/connection redis.*\n.*at connections\.redis/) as string,
    });
  });

  it('names each connection of a flow once', () => {
    expect(connectionNamesOf(syncFlowSpecSchema.parse(spec))).toEqual([
      'kafka',
      'erp',
      'commerce',
      'redis',
    ]);
  });

  it('names the archive connection, so its config and Secret reach the pods', () => {
    const batch = {
      ...spec,
      source: { connection: 'exports', file: { path: '/x.csv', format: 'csv', keyFields: ['a'] } },
      archive: { connection: 'archive-kafka' },
    };
    expect(connectionNamesOf(syncFlowSpecSchema.parse(batch))).toEqual([
      'exports',
      'commerce',
      'redis',
      'archive-kafka',
    ]);
  });
});
