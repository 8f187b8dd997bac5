import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { AccountStates, RequestPasswordResetCommand } from '@app/identity';
import { ResetMfaCommand } from '@app/mfa';
import { RecoveryActions } from './recovery-evidence';

/** The resets an approved case sets off, as commands of the contexts that own them. */
@Injectable()
export class PlatformActions implements RecoveryActions {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly accounts: AccountStates,
  ) {}

  /** The ordinary reset flow: a request on the account's stream, and its reaction mails the link to the account's address. */
  async sendPasswordReset(accountId: string, context: RequestContext): Promise<void> {
    const account = await this.accounts.load(accountId);
    if (!account.exists) return;
    await this.commandBus.execute(new RequestPasswordResetCommand(account.email, context));
  }

  /** The MFA context's own reset: one `mfa.reset` (factors, pending enrolments and recovery codes). */
  async resetMfa(accountId: string, caseId: string, context: RequestContext): Promise<void> {
    await this.commandBus.execute(new ResetMfaCommand(accountId, caseId, context));
  }
}
