import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { AchDetails, CardDetails } from '../domain/payment-method.decider';
import { PaymentMethodDto } from '../invoicing/payment-method-view';

export class AddPaymentMethodCommand extends Command<PaymentMethodDto> {
  constructor(
    readonly accountId: string,
    readonly details: CardDetails | AchDetails,
    readonly token: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
