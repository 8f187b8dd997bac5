/**
 * Errors of the domain carry a stable code; the HTTP edge maps codes to statuses in one table
 * (`@app/http` error-status.ts), so the domain never knows about HTTP.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** Extra fields for the error body, e.g. `violations` or `retryAfter`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The stream changed under us more often than the bounded retry allows. */
export class ConcurrencyConflictError extends DomainError<'conflict'> {
  constructor(stream: string) {
    super('conflict', `The resource was changed concurrently (${stream}); try again`);
  }
}
