import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { disputeDecider } from '../domain/dispute.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { disputeStream } from '../domain/invoicing.events';
import { InvoicingStates, isUuid } from '../invoicing/invoicing-states';
import { RespondToDisputeCommand } from './respond-to-dispute.command';

/** The holder gets the answer by email through a reaction to `billing.dispute_answered`. */
@CommandHandler(RespondToDisputeCommand)
export class RespondToDisputeHandler implements ICommandHandler<RespondToDisputeCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ disputeId, message, context }: RespondToDisputeCommand): Promise<void> {
    if (!isUuid(disputeId)) throw new InvoicingNotFoundError('dispute');
    const { accountId } = await this.states.dispute(disputeId);
    const now = this.clock.now();
    await this.runner.run(disputeStream(disputeId), disputeDecider, { kind: 'AnswerDispute', answerId: randomUUID(), message }, context, {
      accountId: accountId || undefined,
      occurredAt: now,
    });
  }
}
