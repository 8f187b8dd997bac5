import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { CheckClaimsDto, CheckClaimsResultDto } from './check-claims.dto';

export class CheckRecoveryClaimsCommand extends Command<CheckClaimsResultDto> {
  constructor(
    readonly caseId: string,
    readonly claims: CheckClaimsDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
