import { Controller, Delete, HttpCode, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RemoveSpendingCapCommand } from './remove-spending-cap.command';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/spending-cap')
export class RemoveSpendingCapController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed (again: still 204); verification accepts keys again within a second' })
  @ApiForbiddenResponse({ description: 'plan_required' })
  async remove(@CurrentAccount() account: AuthenticatedAccount, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new RemoveSpendingCapCommand(account.accountId, context));
  }
}
