import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RemovePaymentMethodCommand } from './remove-payment-method.command';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/payment-methods')
export class RemovePaymentMethodController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; when it was the default, the oldest remaining method becomes the default' })
  @ApiNotFoundResponse({ description: "not_found: no such method, or another account's" })
  @ApiConflictResponse({ description: 'payment_method_required: the last method of an account with an unpaid invoice' })
  async remove(
    @Param('id') id: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemovePaymentMethodCommand(account.accountId, id, context));
  }
}
