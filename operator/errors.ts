// The operator's one error class: a reconcile that throws TerminalError is not retried until the
// object changes again (controller-runtime `reconcile.TerminalError`). Every other error is retried
// with the per-key backoff of the work queue.
export class TerminalError extends Error {
  readonly code = 'SF_TERMINAL' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}
