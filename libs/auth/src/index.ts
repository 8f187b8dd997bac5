/**
 * Authentication for every audience. Notes for users of this contract:
 * - `AccountAuthGuard` sets `request.actor = { kind: 'account', id }`; `StaffGuard` (which runs the
 *   account check itself when it has not run) sets `{ kind: 'staff', id }` once the role check passes:
 *   the actor says in which capacity the request acts, not whether the account holds a role.
 * - `@RequireRoles(...)` means any one of the roles; roles do not imply each other (admin is not support).
 * - `SessionAuthority` is provided by the sessions context: the app imports
 *   `AuthModule.forRoot({ module: SessionsModule, provider: AccountSessionAuthority })`.
 */
export { AuthenticatedAccount, StaffRole, STAFF_ROLES } from './authenticated-account';
export { bearerToken, InvalidServiceTokenError, ServiceTokenGuard, ServiceTokens } from './service-token.guard';
export { AccessTokenClaims, SessionAuthority } from './session-authority';
export { AccessTokens, IssuedAccessToken } from './access-tokens';
export { AccessTokenStrategy, ACCESS_TOKEN_STRATEGY } from './access-token.strategy';
export { AccountAuthGuard, AccountRequest } from './account-auth.guard';
export { RequireRoles, requiredRolesOf, StaffGuard, StaffRoutes } from './staff.guard';
export { CurrentAccount } from './current-account.decorator';
export { deriveKey, hmacBase64Url, jwtKey } from './derived-keys';
export { RateLimitStorage, RedisThrottlerStorage, RedisThrottlerStorageOptions } from './rate-limit.storage';
export { AuthModule, RateLimited, SessionAuthoritySource } from './auth.module';
