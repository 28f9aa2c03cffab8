/** A prerequisite or a start-up step of the local environment failed; the message is one line. */
export class EnvironmentError extends Error {
  readonly code = 'SF_ENV';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}
