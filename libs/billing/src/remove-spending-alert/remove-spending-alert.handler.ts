import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { RemoveSpendingAlertCommand } from './remove-spending-alert.command';

@CommandHandler(RemoveSpendingAlertCommand)
export class RemoveSpendingAlertHandler implements ICommandHandler<RemoveSpendingAlertCommand> {
  constructor(private readonly accounts: BillingAccounts) {}

  async execute({ accountId, service, context }: RemoveSpendingAlertCommand): Promise<void> {
    await this.accounts.run(accountId, { kind: 'RemoveSpendingAlert', accountId, service }, context);
  }
}
