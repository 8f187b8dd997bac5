import { DomainError } from './domain-error';

/** When the session last signed in (password, social or second step), and the window a change needs. */
export interface Reauthentication {
  readonly authenticatedAt: string;
  readonly windowSeconds: number;
}

/** 401: MFA changes and closing the account need a sign-in within REAUTH_WINDOW_SECONDS. */
export class ReauthenticationRequiredError extends DomainError<'reauthentication_required'> {
  constructor(windowSeconds: number) {
    super(
      'reauthentication_required',
      `This change needs a sign-in within the last ${Math.round(windowSeconds / 60)} minutes; sign in again`,
    );
  }
}

/** Throws unless the session signed in (or completed a second step) within the window; the clock decides. */
export function requireRecentSignIn(reauth: Reauthentication, now: Date): void {
  const signedInAt = Date.parse(reauth.authenticatedAt);
  if (!Number.isFinite(signedInAt) || now.getTime() - signedInAt > reauth.windowSeconds * 1000) {
    throw new ReauthenticationRequiredError(reauth.windowSeconds);
  }
}
