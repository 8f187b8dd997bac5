import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '@app/http';
import { AccountRequest } from './account-auth.guard';
import { AuthenticatedAccount } from './authenticated-account';

/** The account `AccountAuthGuard` (or `StaffGuard`) authenticated; a route without either guard gets 401. */
export const CurrentAccount = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedAccount => {
  const account = ctx.switchToHttp().getRequest<AccountRequest>().account;
  if (!account) throw new UnauthorizedError();
  return account;
});
