import { AuthenticatedAccount } from './authenticated-account';

/** What a verified access token claims: whose it is and which session it belongs to. */
export interface AccessTokenClaims {
  readonly accountId: string;
  readonly sessionId: string;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
}

/**
 * The port the access-token guard asks on every request whether the token's session is still live
 * (not ended, not idle, not past its maximum, account not suspended). The accounts context provides
 * it; it must read a consistent source, so a token works right after sign-in.
 */
export abstract class SessionAuthority {
  abstract authenticate(claims: AccessTokenClaims): Promise<AuthenticatedAccount | null>;
}
