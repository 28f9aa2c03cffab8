// The runtime's three error classes, each meaning one action of the pipeline runner (the only
// place that dispatches on them): dead-letter, wait and retry, or exit for Kubernetes to restart.
// Every other error is retried with backoff.

export const errorCodes = {
  poisonRecord: 'SF_POISON_RECORD',
  retryable: 'SF_RETRYABLE',
  fatal: 'SF_FATAL',
} as const;

/** A record that can never be applied as it is: it goes to the dead-letter topic, never retried. */
export class PoisonRecordError extends Error {
  readonly code = errorCodes.poisonRecord;
  /** Stable reason code carried into the dead-letter headers (e.g. `SF_DELTA_EVENT`). */
  readonly reasonCode: string;
  constructor(message: string, options: { reasonCode: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'PoisonRecordError';
    this.reasonCode = options.reasonCode;
  }
}

/** A transient refusal with a server-given pause (429/503 with Retry-After). */
export class RetryableError extends Error {
  readonly code = errorCodes.retryable;
  readonly retryAfterMs: number;
  constructor(message: string, options: { retryAfterMs: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'RetryableError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Nothing this process can fix (bad credentials, an evicting Redis): exit non-zero. */
export class FatalError extends Error {
  readonly code = errorCodes.fatal;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FatalError';
  }
}
