// The one error of state/: a read of a flow's Redis or Kafka (or of a connection's Secret) that
// failed. The lag refresh turns it into a condition message instead of failing the reconcile.
export class StateReadError extends Error {
  readonly code = 'SF_STATE_READ' as const;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'StateReadError';
  }
}
