import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { RegisteredKeyDto } from './register-webauthn.dto';

export class RegisterWebauthnCommand extends Command<RegisteredKeyDto> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly response: unknown,
    readonly nickname: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
