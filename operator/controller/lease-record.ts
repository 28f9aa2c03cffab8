// The decisions of Lease leader election (client-go `leaderelection`), pure. A lease held by
// someone else is taken only after it went unchanged for its duration *as measured by our clock
// since we last saw it change* — the holder's timestamps come from another machine's clock.
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  leaseTransitions: number;
  /** Opaque MicroTime strings: compared, never parsed. */
  acquireTime: string | undefined;
  renewTime: string | undefined;
}

export interface Observation {
  record: LeaseRecord;
  /** Our clock when the record was last seen to change. */
  observedAtMs: number;
}

export type LeaseDecision = 'acquire' | 'renew' | 'wait';

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions &&
    a.leaseDurationSeconds === b.leaseDurationSeconds
  );
}

export function observe(
  previous: Observation | undefined,
  record: LeaseRecord,
  nowMs: number,
): Observation {
  if (previous && sameRecord(previous.record, record)) return previous;
  return { record, observedAtMs: nowMs };
}

export function decide(observation: Observation, identity: string, nowMs: number): LeaseDecision {
  const { record, observedAtMs } = observation;
  if (record.holderIdentity === '') return 'acquire';
  if (record.holderIdentity === identity) return 'renew';
  const expiresAtMs = observedAtMs + record.leaseDurationSeconds * 1000;
  return nowMs >= expiresAtMs ? 'acquire' : 'wait';
}

export interface NextRecordInput {
  decision: 'acquire' | 'renew';
  identity: string;
  leaseDurationSeconds: number;
  /** A MicroTime string. */
  now: string;
}

/** The record to write for a decision other than 'wait'. */
export function nextRecord(current: LeaseRecord | undefined, input: NextRecordInput): LeaseRecord {
  const { decision, identity, leaseDurationSeconds, now } = input;
  if (current && decision === 'renew') return { ...current, leaseDurationSeconds, renewTime: now };
  const changedHands = current !== undefined && current.holderIdentity !== identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    leaseTransitions: (current?.leaseTransitions ?? 0) + (changedHands ? 1 : 0),
    acquireTime: now,
    renewTime: now,
  };
}

/** What a leader writes on graceful shutdown so a successor need not wait out the lease. */
export function releasedRecord(current: LeaseRecord, now: string): LeaseRecord {
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    leaseTransitions: current.leaseTransitions,
    acquireTime: now,
    renewTime: now,
  };
}
