import { StaffRole, STAFF_ROLES } from '@app/ddd';

export { StaffRole, STAFF_ROLES };

/** Who a request is from, once `AccountAuthGuard` has checked the access token and its session. */
export interface AuthenticatedAccount {
  readonly accountId: string;
  readonly sessionId: string;
  readonly roles: readonly StaffRole[];
  /** When the session's last sign-in (password, OIDC or MFA) happened: re-authentication checks. */
  readonly authenticatedAt: string;
  /** The second factor that sign-in completed (`totp`, `webauthn`, `recovery_code`), or null. */
  readonly secondFactor: string | null;
}
