/**
 * The one table from error codes to HTTP statuses: the codes of the HTTP layer and of authentication
 * here, each bounded context's from its declaration's `errors` (`registerContexts` in `@app/core`, when
 * the process starts).
 */
const statusByCode = new Map<string, number>([
  ['invalid_request', 400],
  ['unauthorized', 401],
  ['invalid_service_token', 401],
  ['forbidden', 403],
  ['not_found', 404],
  ['method_not_allowed', 405],
  ['conflict', 409],
  ['request_timeout', 408],
  ['payload_too_large', 413],
  ['uri_too_long', 414],
  ['unsupported_media_type', 415],
  ['rate_limited', 429],
  ['headers_too_large', 431],
  ['internal_error', 500],
  ['service_unavailable', 503],
]);

export function registerErrorStatuses(statuses: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(statuses)) {
    const existing = statusByCode.get(code);
    if (existing !== undefined && existing !== status) {
      throw new Error(`error code ${code} mapped to ${existing} and ${status}`);
    }
    statusByCode.set(code, status);
  }
}

export function statusOfErrorCode(code: string): number | undefined {
  return statusByCode.get(code);
}

/** Every registered error code with its status (for the API reference). */
export function registeredErrorCodes(): ReadonlyArray<{ readonly code: string; readonly status: number }> {
  return [...statusByCode].map(([code, status]) => ({ code, status })).sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}
