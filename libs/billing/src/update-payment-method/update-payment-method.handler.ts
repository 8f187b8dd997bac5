import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { paymentMethodsStream } from '../domain/invoicing.events';
import { paymentMethodsDecider } from '../domain/payment-method.decider';
import { isUuid } from '../invoicing/invoicing-states';
import { PaymentMethodDto, paymentMethodView } from '../invoicing/payment-method-view';
import { UpdatePaymentMethodCommand } from './update-payment-method.command';

@CommandHandler(UpdatePaymentMethodCommand)
export class UpdatePaymentMethodHandler implements ICommandHandler<UpdatePaymentMethodCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, methodId, changes, context }: UpdatePaymentMethodCommand): Promise<PaymentMethodDto> {
    if (!isUuid(methodId)) throw new InvoicingNotFoundError('payment method');
    const now = this.clock.now();
    const outcome = await this.runner.run(
      paymentMethodsStream(accountId),
      paymentMethodsDecider,
      { kind: 'UpdatePaymentMethod', methodId, ...changes, now },
      context,
      { accountId, occurredAt: now },
    );
    return paymentMethodView(outcome.state.methods.find((m) => m.methodId === methodId)!);
  }
}
