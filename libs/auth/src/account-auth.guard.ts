import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticatedRequest, UnauthorizedError } from '@app/http';
import { ACCESS_TOKEN_STRATEGY } from './access-token.strategy';
import { AuthenticatedAccount } from './authenticated-account';

export interface AccountRequest extends AuthenticatedRequest {
  account?: AuthenticatedAccount;
}

/**
 * Account holders and staff: `Authorization: Bearer <accessToken>`, checked with passport-jwt, then the
 * session is checked on every request. Sets `request.account` and `request.actor`; 401 `unauthorized`
 * for anything missing, malformed, expired or ended.
 */
@Injectable()
export class AccountAuthGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  override handleRequest<TUser = AuthenticatedAccount>(error: unknown, user: unknown, _info: unknown, context: ExecutionContext): TUser {
    if (error) throw error;
    if (!user) throw new UnauthorizedError();
    const account = user as AuthenticatedAccount;
    const request = context.switchToHttp().getRequest<AccountRequest>();
    request.account = account;
    request.actor = { kind: 'account', id: account.accountId };
    return account as TUser;
  }
}
