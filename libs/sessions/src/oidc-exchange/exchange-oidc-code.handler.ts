import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { AccountStates } from '@app/identity';
import { InvalidSignInCodeError } from '../domain/session.errors';
import { OidcSignInCodes } from '../oidc-sign-in/oidc-sign-in-codes';
import { OidcSignInCompletion } from '../oidc-sign-in/oidc-sign-in-completion';
import { SignInResult } from '../sign-in/sign-in.command';
import { ExchangeOidcCodeCommand } from './exchange-oidc-code.command';

/**
 * The code is spent first, whatever follows (400 `invalid_token` when it is unknown, used or expired),
 * then the checks of the callback are made again, as the minute may have changed them (423
 * `account_locked`, 403 `account_suspended`), and the answer is the callback's would-have-been one:
 * tokens, or the second step's challenge.
 */
@CommandHandler(ExchangeOidcCodeCommand)
export class ExchangeOidcCodeHandler implements ICommandHandler<ExchangeOidcCodeCommand> {
  constructor(
    private readonly codes: OidcSignInCodes,
    private readonly accounts: AccountStates,
    private readonly completion: OidcSignInCompletion,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ code, context }: ExchangeOidcCodeCommand): Promise<SignInResult> {
    const redeemed = await this.codes.redeem(code, this.clock.now());
    if (!redeemed) throw new InvalidSignInCodeError();
    const account = await this.accounts.load(redeemed.accountId);
    if (!account.exists) throw new InvalidSignInCodeError();
    await this.completion.assertOpen(account.email, account.status);
    return this.completion.complete(redeemed.accountId, account.email, redeemed.method, context);
  }
}
