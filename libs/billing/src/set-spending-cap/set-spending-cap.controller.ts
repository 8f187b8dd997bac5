import { Body, Controller, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { SetSpendingCapCommand } from './set-spending-cap.command';
import { SpendingCapDto } from './set-spending-cap.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/spending-cap')
export class SetSpendingCapController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put()
  @ApiOkResponse({ type: SpendingCapDto })
  @ApiForbiddenResponse({ description: 'plan_required: the cap needs the professional or enterprise plan' })
  set(
    @Body() body: SpendingCapDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<SpendingCapDto> {
    return this.commandBus.execute(new SetSpendingCapCommand(account.accountId, body.capMicros, context));
  }
}
