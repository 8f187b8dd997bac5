import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { SetSpendingAlertCommand } from './set-spending-alert.command';
import { SpendingAlertBodyDto, SpendingAlertDto } from './set-spending-alert.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/alerts')
export class SetSpendingAlertController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':service')
  @ApiOkResponse({ type: SpendingAlertDto })
  @ApiForbiddenResponse({ description: 'plan_required: alerts need the professional or enterprise plan' })
  set(
    @Param('service') service: string,
    @Body() body: SpendingAlertBodyDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<SpendingAlertDto> {
    const { budgetMicros, thresholdPercent, notify } = body;
    return this.commandBus.execute(
      new SetSpendingAlertCommand(account.accountId, service, { budgetMicros, thresholdPercent, notify }, context),
    );
  }
}
