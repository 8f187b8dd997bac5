import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { RemoveSpendingCapCommand } from './remove-spending-cap.command';

@CommandHandler(RemoveSpendingCapCommand)
export class RemoveSpendingCapHandler implements ICommandHandler<RemoveSpendingCapCommand> {
  constructor(private readonly accounts: BillingAccounts) {}

  async execute({ accountId, context }: RemoveSpendingCapCommand): Promise<void> {
    await this.accounts.run(accountId, { kind: 'RemoveSpendingCap', accountId }, context);
  }
}
