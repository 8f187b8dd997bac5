import { createAccountServiceClient, Schema } from '@app/client';

/**
 * The hub's only way to the service: the generated typed client (`@app/client`, openapi-fetch over the
 * API reference), same origin, so every path, body and answer is checked against the public contract
 * at compile time. Tokens: the access token lives in memory only; the refresh token in sessionStorage
 * (this tab, gone when it closes; never localStorage), so a reload can start again without a new sign-in.
 */
export type Tokens = Schema<'SessionTokensDto'>;
export type MfaChallenge = Schema<'MfaChallengeDto'>;
export type SignInAnswer = Tokens | MfaChallenge;
export type Me = Schema<'ProfileDto'>;

export interface ErrorDetail {
  readonly field: string;
  readonly message: string;
}

/** An answer other than 2xx, with the contract's `{error, message, details?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const REFRESH_KEY = 'hub.refreshToken';
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isSignedIn(): boolean {
  return accessToken !== null;
}

export function hasStoredSession(): boolean {
  return sessionStorage.getItem(REFRESH_KEY) !== null;
}

export function keepTokens(tokens: Tokens): void {
  accessToken = tokens.accessToken;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  listeners.forEach((listener) => listener());
}

export function forgetTokens(): void {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
  listeners.forEach((listener) => listener());
}

export function isMfaChallenge(answer: SignInAnswer): answer is MfaChallenge {
  return (answer as MfaChallenge).mfaRequired === true;
}

/** Sends with the access token; an answer of 401 to a request that carried one refreshes once and sends again. */
async function withSession(request: Request): Promise<Response> {
  const sentToken = accessToken;
  const again = sentToken === null ? null : request.clone();
  if (sentToken !== null) request.headers.set('authorization', `Bearer ${sentToken}`);
  const response = await fetch(request);
  if (response.status !== 401 || again === null || !(await refreshSession())) return response;
  again.headers.set('authorization', `Bearer ${accessToken}`);
  return fetch(again);
}

const clientOptions = { baseUrl: location.origin, credentials: 'same-origin' as const, headers: { accept: 'application/json' } };
/** The typed client every page uses. */
export const api = createAccountServiceClient({ ...clientOptions, fetch: withSession });
/** Without the session: the refresh itself (its 401 must not start another refresh). */
const anonymous = createAccountServiceClient(clientOptions);

interface Answer<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The answer's body, or its refusal thrown as an `ApiError` in the contract's terms. */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  const body = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const { error: code, message, details, ...extra } = body;
  throw new ApiError(
    response.status,
    typeof code === 'string' ? code : `http_${response.status}`,
    typeof message === 'string' ? message : response.statusText,
    Array.isArray(details) ? (details as ErrorDetail[]) : [],
    extra,
  );
}

/** Trades the kept refresh token for new tokens (once at a time); false when the session is over. */
export function refreshSession(): Promise<boolean> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (refreshToken === null) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      keepTokens(await call(anonymous.POST('/v1/auth/refresh', { body: { refreshToken } })));
      return true;
    } catch {
      forgetTokens();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Saves a file answer (a PDF, an export) through a link the page clicks itself. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What the api put in the page: the social sign-in providers and the key scopes it was set up with. */
export function pageSetting(name: string): string[] {
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  return content.split(',').filter((value) => value !== '');
}
