import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { ConfirmedFactorDto } from './confirm-totp.dto';

export class ConfirmTotpCommand extends Command<ConfirmedFactorDto> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly factorId: string,
    readonly code: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
