import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { PaymentMethodDto } from '../invoicing/payment-method-view';
import { UpdatePaymentMethodCommand } from './update-payment-method.command';
import { UpdatePaymentMethodDto } from './update-payment-method.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/payment-methods')
export class UpdatePaymentMethodController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':id')
  @ApiOkResponse({ type: PaymentMethodDto, description: 'Made the default and/or given a new expiry (cards only)' })
  @ApiNotFoundResponse({ description: "not_found: no such method, or another account's" })
  update(
    @Param('id') id: string,
    @Body() body: UpdatePaymentMethodDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<PaymentMethodDto> {
    const { isDefault, expMonth, expYear } = body;
    return this.commandBus.execute(new UpdatePaymentMethodCommand(account.accountId, id, { isDefault, expMonth, expYear }, context));
  }
}
