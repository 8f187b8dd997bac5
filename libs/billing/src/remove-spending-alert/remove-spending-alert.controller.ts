import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RemoveSpendingAlertCommand } from './remove-spending-alert.command';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/alerts')
export class RemoveSpendingAlertController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':service')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'plan_required' })
  @ApiNotFoundResponse({ description: 'not_found: no alert for this service' })
  async remove(
    @Param('service') service: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemoveSpendingAlertCommand(account.accountId, service, context));
  }
}
