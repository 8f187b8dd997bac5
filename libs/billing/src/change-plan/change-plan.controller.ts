import { Body, Controller, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ChoosePlanCommand } from './change-plan.command';
import { ChoosePlanDto, PlanChangeDto } from './change-plan.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/plan')
export class ChangePlanController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put()
  @ApiOkResponse({ type: PlanChangeDto, description: 'A move to basic switches alerts and the cap off and lists them' })
  @ApiForbiddenResponse({ description: 'plan_change_forbidden: an enterprise plan is changed by billing staff' })
  change(
    @Body() body: ChoosePlanDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<PlanChangeDto> {
    return this.commandBus.execute(new ChoosePlanCommand(account.accountId, body.plan, context));
  }
}
