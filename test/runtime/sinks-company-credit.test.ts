// The customer-company and credit flows both write a Commerce company by reading it and putting
// it back whole (Commerce's PUT replaces the company): names and address from one, the status of
// a credit hold from the other. With the company flow's PUT held by a slow Commerce, the credit
// flow's hold waits for it instead of being undone by the company's stale status.
import { describe, expect, it } from 'vitest';
import { type Hold } from '../doubles/commerce/commerce-double.ts';
import { sharedEnvironment } from '../support/environment.ts';
import { uniqueName } from '../support/unique-name.ts';
import {
  commerceConnection,
  exampleFields,
  flowDocumentFor,
  pipelineFor,
  sapCompany as company,
  token,
  type PipelineRun,
} from './sinks-fixture.ts';
import { commerceForFile } from './runtime-fixture.ts';

const env = sharedEnvironment();
const testbed = commerceForFile(token);

const blocked = 3;

function flowOf(
  instanceId: string,
  flow: 'customer' | 'credit',
  entity: string,
  fields: Record<string, { path: string; type: string }>,
): PipelineRun {
  return pipelineFor(
    flowDocumentFor({
      instanceId,
      name: uniqueName(entity.toLowerCase()),
      flow,
      entity,
      fields: { ...fields, version: { path: 'seq', type: 'integer' } },
      sinkConnection: commerceConnection(testbed.commerce.url),
      kafkaBrokers: env.kafkaBrokers,
      topic: 'unused',
      redisUrl: env.redisUrl,
    }),
    env.redisUrl,
  );
}

describe('company and credit flows on one Commerce company', () => {
  it('a credit hold set while a company update is in flight is not undone by it', async () => {
    // One installation: both flows share the instance id and the Commerce connection.
    const instanceId = uniqueName('i');
    const companies = flowOf(instanceId, 'customer', 'company', {
      ...exampleFields('flow-customer-company.yaml'),
    });
    const credit = flowOf(instanceId, 'credit', 'companyCredit', {
      companyExternalId: { path: 'customer', type: 'string' },
      onHold: { path: 'hold', type: 'boolean' },
    });
    const id = uniqueName('C').toUpperCase();
    let hold: Hold | undefined;
    const stored = () =>
      [...testbed.commerce.state.companies.values()].filter((c) => c.reseller_id === id);
    try {
      await companies.run([[company(id, 1)]]);
      expect(stored().map((c) => c.status)).toEqual([1]);

      hold = testbed.commerce.holdNext('PUT', /\/V1\/company\/\d+$/);
      const renaming = companies.run([[company(id, 2)]]);
      await hold.arrived;
      const holding = credit.run([[{ customer: id, hold: true, seq: 1 }]]);
      // The hold waits for the company's lock while the rename is in flight.
      const doneWhileHeld = await Promise.race([
        holding.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500)),
      ]);
      expect(doneWhileHeld).toBe(false);
      hold.release();
      await Promise.all([renaming, holding]);

      expect(stored().map((c) => [c.company_name, c.status])).toEqual([[`${id} GmbH v2`, blocked]]);
      expect([...companies.deadLetters, ...credit.deadLetters]).toEqual([]);
    } finally {
      hold?.release();
      await Promise.all([companies.close(), credit.close()]);
    }
  });
});
