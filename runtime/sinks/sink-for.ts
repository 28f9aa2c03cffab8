// Builds the sink a flow's settings name — Commerce for the ERP → Commerce flows, the ERP for
// orders — with the sink connection's Redis budget wired into its HTTP client. Every mode
// (consume, poll, batch) builds its sink here.
import type { Redis } from 'ioredis';
import type { CanonicalRecord } from '../flow/flow.ts';
import type { BaseSettings } from '../settings.ts';
import { ConcurrencyBudget } from './budget/budget.ts';
import { commerceSinkFor, type BudgetSlot } from './commerce/commerce-sink.ts';
import { erpSinkFor } from './erp/erp-sink.ts';
import type { Sink } from './sink.ts';
import { FatalError } from '../errors.ts';

type SinkSettings = Pick<BaseSettings, 'commerce' | 'erp' | 'budget'>;

function budgetSlotOf(settings: SinkSettings, redis: Redis): BudgetSlot | undefined {
  const { budget } = settings;
  if (budget === undefined) return undefined;
  const shared = new ConcurrencyBudget(redis, budget);
  return () => shared.acquire(budget.priority);
}

export function sinkFor(settings: SinkSettings, redis: Redis): Sink<CanonicalRecord> {
  const slot = budgetSlotOf(settings, redis);
  const withBudget = <T extends object>(client: T): T =>
    slot ? { ...client, budget: slot } : client;
  if (settings.commerce)
    return commerceSinkFor(
      { ...settings.commerce, client: withBudget(settings.commerce.client) },
      redis,
    );
  if (settings.erp)
    return erpSinkFor({ ...settings.erp, client: withBudget(settings.erp.client) }, redis);
  throw new FatalError('flow.spec.sink: the settings name no sink');
}
