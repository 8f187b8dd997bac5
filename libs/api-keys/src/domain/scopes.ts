import { ApiKeyRequestInvalidError, FieldProblem } from './api-key.errors';

/**
 * The scopes of a key: a non-empty set of names from `API_SCOPES`, kept in the order given, without
 * repeats. Throws with one detail per unknown scope.
 */
export function normaliseScopes(requested: readonly string[], allowed: readonly string[], field = 'scopes'): string[] {
  const problems: FieldProblem[] = [];
  if (requested.length === 0) problems.push({ field, message: `at least one scope is required (${allowed.join(', ')})` });
  requested.forEach((scope, index) => {
    if (!allowed.includes(scope)) {
      problems.push({ field: `${field}[${index}]`, message: `unknown scope "${scope}"; known scopes: ${allowed.join(', ')}` });
    }
  });
  if (problems.length > 0) throw new ApiKeyRequestInvalidError(problems);
  return [...new Set(requested)];
}

/** A scope covers the endpoint of its own name and every sub-endpoint: `chat` covers `chat.completions`. */
export function scopeCovers(scope: string, endpoint: string): boolean {
  return endpoint === scope || (endpoint.length > scope.length && endpoint.startsWith(scope) && endpoint.charCodeAt(scope.length) === 46);
}

export function scopesCover(scopes: readonly string[], endpoint: string): boolean {
  for (const scope of scopes) if (scopeCovers(scope, endpoint)) return true;
  return false;
}

export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}
