import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { RecoveryCodesDto } from './regenerate-recovery-codes.dto';

export class RegenerateRecoveryCodesCommand extends Command<RecoveryCodesDto> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly context: RequestContext,
  ) {
    super();
  }
}
