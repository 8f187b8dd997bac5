import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { SetSpendingCapCommand } from './set-spending-cap.command';
import { SpendingCapDto } from './set-spending-cap.dto';

/** In effect on every api instance within a second: their spending-cap trackers follow the log. */
@CommandHandler(SetSpendingCapCommand)
export class SetSpendingCapHandler implements ICommandHandler<SetSpendingCapCommand> {
  constructor(private readonly accounts: BillingAccounts) {}

  async execute({ accountId, capMicros, context }: SetSpendingCapCommand): Promise<SpendingCapDto> {
    await this.accounts.run(accountId, { kind: 'SetSpendingCap', accountId, capMicros }, context);
    return { capMicros };
  }
}
