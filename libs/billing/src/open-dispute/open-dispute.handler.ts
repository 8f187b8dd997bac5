import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AccountStates } from '@app/identity';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { disputeDecider } from '../domain/dispute.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { disputeStream } from '../domain/invoicing.events';
import { OpenDisputeCommand } from './open-dispute.command';
import { OpenedDisputeDto } from './open-dispute.dto';

@CommandHandler(OpenDisputeCommand)
export class OpenDisputeHandler implements ICommandHandler<OpenDisputeCommand> {
  private readonly holidays: ReadonlySet<string>;

  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.holidays = new Set(config.businessHolidays);
  }

  async execute({ accountId, dispute, openedVia, context }: OpenDisputeCommand): Promise<OpenedDisputeDto> {
    // Staff open disputes for accounts by id: an unknown one is 404, nothing written.
    if (openedVia === 'email' && !(await this.accounts.load(accountId)).exists) throw new InvoicingNotFoundError('account');
    const now = this.clock.now();
    const disputeId = randomUUID();
    const outcome = await this.runner.run(
      disputeStream(disputeId),
      disputeDecider,
      { kind: 'OpenDispute', disputeId, accountId, ...dispute, openedVia, now, holidays: this.holidays },
      context,
      { accountId, occurredAt: now },
    );
    return { id: disputeId, respondBy: outcome.state.respondBy, status: outcome.state.status };
  }
}
