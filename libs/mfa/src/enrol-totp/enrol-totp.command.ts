import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { TotpEnrolmentDto } from './enrol-totp.dto';

export class EnrolTotpCommand extends Command<TotpEnrolmentDto> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly nickname: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
