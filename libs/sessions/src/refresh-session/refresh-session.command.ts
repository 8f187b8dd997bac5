import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SessionTokensDto } from '../sessions/session-starter';

export class RefreshSessionCommand extends Command<SessionTokensDto> {
  constructor(
    readonly refreshToken: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
