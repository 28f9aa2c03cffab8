import { KafkaJSProtocolError } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { attemptFor, isMembershipLost } from './retry.ts';

// As kafkajs builds it from a broker's error answer (its constructor copies type and code).
const protocolError = (type: string): Error =>
  new KafkaJSProtocolError(Object.assign(new Error(type), { type, code: 25, retriable: false }));

const attempt = attemptFor({
  policy: { initialBackoffMs: 1, maxBackoffMs: 1 },
  log: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  keepAlive: () => Promise.resolve(),
});

describe('attemptFor', () => {
  it('retries a failure until the work succeeds', async () => {
    let calls = 0;
    const result = await attempt('commit', () => {
      calls += 1;
      return calls < 3 ? Promise.reject(new Error('timeout')) : Promise.resolve('done');
    });
    expect([result, calls]).toEqual(['done', 3]);
  });

  it.each(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS'])(
    'hands %s to the consumer at once, to rejoin its group, instead of retrying a commit that cannot succeed',
    async (type) => {
      let calls = 0;
      const failing = (): Promise<never> => {
        calls += 1;
        return Promise.reject(protocolError(type));
      };
      await expect(attempt('commit', failing)).rejects.toMatchObject({ type });
      expect(calls).toBe(1);
    },
  );
});

describe('isMembershipLost', () => {
  it.each([
    [protocolError('UNKNOWN_MEMBER_ID'), true],
    [protocolError('OFFSET_OUT_OF_RANGE'), false],
    [new Error('UNKNOWN_MEMBER_ID'), false],
    [undefined, false],
  ])('%s → %s', (err, expected) => {
    expect(isMembershipLost(err)).toBe(expected);
  });
});
