export interface ErrorDetail {
  readonly field: string;
  readonly message: string;
}

/** The error format of the HTTP contract: `{ error, message, details? }` plus code-specific fields. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
  readonly [extra: string]: unknown;
}
