import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { InvoicingRequestInvalidError } from '../domain/invoicing.errors';
import { PaymentMethodDto } from '../invoicing/payment-method-view';
import { AddPaymentMethodCommand } from './add-payment-method.command';
import { AddPaymentMethodDto, paymentMethodFieldProblems } from './add-payment-method.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/payment-methods')
export class AddPaymentMethodController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: PaymentMethodDto, description: 'The first method becomes the default' })
  @ApiBadRequestResponse({ description: 'invalid_request: missing or foreign fields, an expired card, or a full card number anywhere' })
  @ApiForbiddenResponse({ description: 'plan_required: ACH needs the enterprise plan' })
  add(
    @Body() body: AddPaymentMethodDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<PaymentMethodDto> {
    const problems = paymentMethodFieldProblems(body);
    if (problems.length > 0) throw new InvoicingRequestInvalidError(problems);
    const details =
      body.type === 'card'
        ? { type: 'card' as const, brand: body.brand!, last4: body.last4!, expMonth: body.expMonth!, expYear: body.expYear! }
        : { type: 'ach' as const, accountLast4: body.accountLast4!, routingNumber: body.routingNumber! };
    return this.commandBus.execute(new AddPaymentMethodCommand(account.accountId, details, body.token, context));
  }
}
