/**
 * What a log line may say about a failure. A database error's message, detail, query and parameters can
 * hold the request's input (`invalid input syntax for type integer: "<the input>"`; PGlite's errors even
 * carry `params`), and so can the first line of its stack: only its SQLSTATE and where the server raised
 * it are kept. Other errors keep their name, message and stack.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: typeof error };
  if (isDatabaseError(error)) {
    const { code, severity, routine, table, column, constraint } = error as unknown as Record<string, unknown>;
    return { name: error.name, code, severity, routine, table, column, constraint };
  }
  return { name: error.name, message: error.message, stack: error.stack };
}

/** pg's and PGlite's `DatabaseError`: a five-character SQLSTATE and the server's severity. */
function isDatabaseError(error: Error): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
