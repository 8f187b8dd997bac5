import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { InvoicingStates } from '../invoicing/invoicing-states';
import { PaymentMethodPageDto, paymentMethodView } from '../invoicing/payment-method-view';

/** A handful of methods per account: folded from its stream, so a method shows the moment it is added. */
@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/payment-methods')
export class ListPaymentMethodsController {
  constructor(private readonly states: InvoicingStates) {}

  @Get()
  @ApiOkResponse({ type: PaymentMethodPageDto, description: 'Every method of the account, oldest first (one page)' })
  async list(@CurrentAccount() account: AuthenticatedAccount): Promise<PaymentMethodPageDto> {
    const { methods } = await this.states.paymentMethods(account.accountId);
    return { items: methods.map(paymentMethodView), nextCursor: null };
  }
}
