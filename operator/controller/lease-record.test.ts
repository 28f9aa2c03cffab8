import { describe, expect, it } from 'vitest';
import { decide, nextRecord, observe, releasedRecord, type LeaseRecord } from './lease-record.ts';

const record = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  leaseTransitions: 2,
  acquireTime: 't0',
  renewTime: 't1',
  ...over,
});

describe('lease decisions', () => {
  it.each([
    {
      name: 'released lease',
      rec: record({ holderIdentity: '' }),
      observedAt: 0,
      now: 1,
      expected: 'acquire',
    },
    {
      name: 'our own lease',
      rec: record({ holderIdentity: 'me' }),
      observedAt: 0,
      now: 99_000,
      expected: 'renew',
    },
    { name: "another's fresh lease", rec: record(), observedAt: 0, now: 14_999, expected: 'wait' },
    {
      name: "another's lease unchanged for its duration",
      rec: record(),
      observedAt: 0,
      now: 15_000,
      expected: 'acquire',
    },
    {
      name: 'a 1 s released-style lease',
      rec: record({ leaseDurationSeconds: 1 }),
      observedAt: 0,
      now: 1000,
      expected: 'acquire',
    },
  ])('$name → $expected', ({ rec, observedAt, now, expected }) => {
    expect(decide({ record: rec, observedAtMs: observedAt }, 'me', now)).toBe(expected);
  });

  it('measures expiry from when we saw the record change, not from its timestamps', () => {
    const first = observe(undefined, record(), 1000);
    const unchanged = observe(first, record(), 10_000);
    expect(unchanged.observedAtMs).toBe(1000);
    const renewed = observe(unchanged, record({ renewTime: 't2' }), 12_000);
    expect(renewed.observedAtMs).toBe(12_000);
    expect(decide(renewed, 'me', 26_999)).toBe('wait');
    expect(decide(renewed, 'me', 27_000)).toBe('acquire');
  });

  it('acquiring counts a transition only when the lease changes hands', () => {
    expect(
      nextRecord(record(), {
        decision: 'acquire',
        identity: 'me',
        leaseDurationSeconds: 15,
        now: 'now',
      }),
    ).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      leaseTransitions: 3,
      acquireTime: 'now',
      renewTime: 'now',
    });
    expect(
      nextRecord(undefined, {
        decision: 'acquire',
        identity: 'me',
        leaseDurationSeconds: 15,
        now: 'now',
      }).leaseTransitions,
    ).toBe(0);
    expect(
      nextRecord(record({ holderIdentity: 'me' }), {
        decision: 'acquire',
        identity: 'me',
        leaseDurationSeconds: 15,
        now: 'now',
      }).leaseTransitions,
    ).toBe(2);
  });

  it('renewing keeps the acquire time and moves the renew time', () => {
    const renewed = nextRecord(record({ holderIdentity: 'me' }), {
      decision: 'renew',
      identity: 'me',
      leaseDurationSeconds: 15,
      now: 'now',
    });
    expect(renewed).toMatchObject({
      holderIdentity: 'me',
      acquireTime: 't0',
      renewTime: 'now',
      leaseTransitions: 2,
    });
  });

  it('releasing empties the holder so the next candidate acquires at once', () => {
    const released = releasedRecord(record({ holderIdentity: 'me' }), 'now');
    expect(released.holderIdentity).toBe('');
    expect(decide({ record: released, observedAtMs: 0 }, 'next', 0)).toBe('acquire');
  });
});
