/**
 * The hub's only way to the service: the public HTTP contract (design.md section 4), same origin.
 * Tokens: the access token lives in memory only; the refresh token in sessionStorage (this tab, gone
 * when it closes; never localStorage), so a reload can start again without a new sign-in.
 */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface MfaChallenge {
  readonly mfaRequired: true;
  readonly mfaToken: string;
  readonly methods: readonly ('totp' | 'webauthn' | 'recovery_code')[];
}

export type SignInAnswer = Tokens | MfaChallenge;

/** `GET /v1/me`. */
export interface Me {
  readonly accountId: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly createdAt: string;
  readonly mfaEnabled: boolean;
  readonly roles: readonly string[];
  readonly plan: string;
}

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

/** Trades the kept refresh token for new tokens (once at a time); false when the session is over. */
export function refreshSession(): Promise<boolean> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (refreshToken === null) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      keepTokens(await request<Tokens>('POST', '/v1/auth/refresh', { refreshToken }, { auth: false }));
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

async function errorOf(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // Not the contract's JSON (a proxy's page): the status alone speaks.
  }
  const { error, message, details, ...extra } = body;
  return new ApiError(
    response.status,
    typeof error === 'string' ? error : `http_${response.status}`,
    typeof message === 'string' ? message : response.statusText,
    Array.isArray(details) ? (details as ErrorDetail[]) : [],
    extra,
  );
}

interface RequestOptions {
  /** Send the access token (default true). */
  readonly auth?: boolean;
  readonly accept?: string;
}

async function send(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.auth !== false && accessToken !== null) headers.authorization = `Bearer ${accessToken}`;
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
}

/** Sends a request; an expired access token is refreshed once and the request sent again. */
export async function raw(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Response> {
  let response = await send(method, path, body, options);
  if (response.status === 401 && options.auth !== false && (await refreshSession())) response = await send(method, path, body, options);
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await raw(method, path, body, options);
  if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T>(path: string, body?: unknown) => request<T>('DELETE', path, body);

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Saves an answer (a PDF, an export) as a file, through a link the page clicks itself. */
export async function download(path: string, fileName: string, accept: string): Promise<void> {
  const response = await raw('GET', path, undefined, { accept });
  const url = URL.createObjectURL(await response.blob());
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
