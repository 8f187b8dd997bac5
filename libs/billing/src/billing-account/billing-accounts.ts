import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { BillingAccountCommand, billingAccountDecider, BillingAccountState } from '../domain/billing-account.decider';
import { BillingAccountEvent, billingAccountStream } from '../domain/billing-account.events';

/** Loads and changes `billing_account-<id>` (plan, alerts, cap): consistent reads from the stream itself. */
@Injectable()
export class BillingAccounts {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async state(accountId: string): Promise<BillingAccountState> {
    return (await this.runner.load(billingAccountStream(accountId), billingAccountDecider)).state;
  }

  async run(
    accountId: string,
    command: BillingAccountCommand,
    context: RequestContext,
  ): Promise<{ state: BillingAccountState; events: readonly BillingAccountEvent[] }> {
    const outcome = await this.runner.run(billingAccountStream(accountId), billingAccountDecider, command, context, {
      accountId,
      occurredAt: this.clock.now(),
    });
    return { state: outcome.state, events: outcome.events };
  }
}
