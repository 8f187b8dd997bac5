import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { SecretBox } from '@app/security';
import { paymentMethodsStream } from '../domain/invoicing.events';
import { paymentMethodsDecider } from '../domain/payment-method.decider';
import { InvoicingStates } from '../invoicing/invoicing-states';
import { PaymentMethodDto, paymentMethodView } from '../invoicing/payment-method-view';
import { AddPaymentMethodCommand } from './add-payment-method.command';

/** The plan gate (ACH on enterprise) reads the plan from the log; the token is sealed before any event. */
@CommandHandler(AddPaymentMethodCommand)
export class AddPaymentMethodHandler implements ICommandHandler<AddPaymentMethodCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    private readonly secretBox: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, details, token, context }: AddPaymentMethodCommand): Promise<PaymentMethodDto> {
    const now = this.clock.now();
    const plan = await this.states.plan(accountId);
    const methodId = randomUUID();
    const outcome = await this.runner.run(
      paymentMethodsStream(accountId),
      paymentMethodsDecider,
      { kind: 'AddPaymentMethod', methodId, details, tokenSealed: this.secretBox.seal(token), plan, now },
      context,
      { accountId, occurredAt: now },
    );
    return paymentMethodView(outcome.state.methods.find((m) => m.methodId === methodId)!);
  }
}
