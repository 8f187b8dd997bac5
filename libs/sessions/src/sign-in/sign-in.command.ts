import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SessionTokensDto } from '../sessions/session-starter';
import { MfaChallengeDto } from './sign-in.dto';

export type SignInResult = SessionTokensDto | MfaChallengeDto;

export class SignInCommand extends Command<SignInResult> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
