import { describe, expect, it } from 'vitest';
import {
  archiveTopicFor,
  consumerGroupFor,
  flowKeyPrefix,
  flowStateKeysFor,
} from './flow-state-keys.ts';

const flow = { instanceId: 'prod', namespace: 'shop', name: 'inventory-fast' };

describe('flow state keys', () => {
  it('puts every per-flow key under sf:{instanceId}:{namespace}/{name}', () => {
    expect(flowKeyPrefix(flow)).toBe('sf:prod:shop/inventory-fast');
    expect(flowStateKeysFor(flow)).toEqual({
      heartbeat: 'sf:prod:shop/inventory-fast:heartbeat',
      cursor: 'sf:prod:shop/inventory-fast:cursor',
      batchProgress: 'sf:prod:shop/inventory-fast:batch',
      runs: 'sf:prod:shop/inventory-fast:runs',
      lastSuccessfulRun: 'sf:prod:shop/inventory-fast:lastSuccessfulRun',
    });
  });

  it('names the live consumer group sf.{instanceId}.{namespace}.{name}', () => {
    expect(consumerGroupFor(flow)).toBe('sf.prod.shop.inventory-fast');
  });

  it('names the batch archive topic after the consumer group', () => {
    expect(archiveTopicFor(flow)).toBe('sf.prod.shop.inventory-fast.archive');
  });
});
