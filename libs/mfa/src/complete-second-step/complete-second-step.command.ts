import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SessionTokensDto } from '@app/sessions';
import { CompleteSecondStepDto } from './complete-second-step.dto';

export class CompleteSecondStepCommand extends Command<SessionTokensDto> {
  constructor(
    readonly body: CompleteSecondStepDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
