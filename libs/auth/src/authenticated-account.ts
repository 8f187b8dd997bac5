export type StaffRole = 'support' | 'billing' | 'auditor' | 'admin';

export const STAFF_ROLES: readonly StaffRole[] = ['support', 'billing', 'auditor', 'admin'];

/** Who a request is from, once `AccountAuthGuard` has checked the access token and its session. */
export interface AuthenticatedAccount {
  readonly accountId: string;
  readonly sessionId: string;
  readonly roles: readonly StaffRole[];
  /** When the session's last sign-in (password, OIDC or MFA) happened: re-authentication checks. */
  readonly authenticatedAt: string;
}
