import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { disputeDecider } from '../domain/dispute.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { disputeStream } from '../domain/invoicing.events';
import { InvoicingStates, isUuid } from '../invoicing/invoicing-states';
import { ResolveDisputeCommand } from './resolve-dispute.command';

/** A credit reaches the account's invoice stream through a reaction to `billing.dispute_resolved`. */
@CommandHandler(ResolveDisputeCommand)
export class ResolveDisputeHandler implements ICommandHandler<ResolveDisputeCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ disputeId, outcome, creditMicros, context }: ResolveDisputeCommand): Promise<void> {
    if (!isUuid(disputeId)) throw new InvoicingNotFoundError('dispute');
    const { accountId } = await this.states.dispute(disputeId);
    const now = this.clock.now();
    await this.runner.run(disputeStream(disputeId), disputeDecider, { kind: 'ResolveDispute', outcome, creditMicros }, context, {
      accountId: accountId || undefined,
      occurredAt: now,
    });
  }
}
