import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { CheckRecoveryClaimsCommand } from './check-claims.command';
import { CheckClaimsDto, CheckClaimsResultDto } from './check-claims.dto';

@StaffRoutes('support', 'support')
@ApiNotFoundResponse({ description: 'not_found: no such case' })
@Controller('v1/support/recovery-cases')
export class CheckClaimsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/checks')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckClaimsResultDto, description: 'Each claim compared with the record; the true values are never shown' })
  @ApiConflictResponse({ description: 'attempts_exhausted (3 per check per case, nothing written); case_closed; check_unavailable' })
  check(@Param('id') caseId: string, @Body() body: CheckClaimsDto, @Context() context: RequestContext): Promise<CheckClaimsResultDto> {
    return this.commandBus.execute(new CheckRecoveryClaimsCommand(caseId, body, context));
  }
}
