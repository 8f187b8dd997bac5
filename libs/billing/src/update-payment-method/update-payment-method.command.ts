import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { PaymentMethodDto } from '../invoicing/payment-method-view';

export class UpdatePaymentMethodCommand extends Command<PaymentMethodDto> {
  constructor(
    readonly accountId: string,
    readonly methodId: string,
    readonly changes: { readonly isDefault?: boolean; readonly expMonth?: number; readonly expYear?: number },
    readonly context: RequestContext,
  ) {
    super();
  }
}
