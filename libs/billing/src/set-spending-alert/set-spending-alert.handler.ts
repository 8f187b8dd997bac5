import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { SetSpendingAlertCommand } from './set-spending-alert.command';
import { SpendingAlertDto } from './set-spending-alert.dto';

@CommandHandler(SetSpendingAlertCommand)
export class SetSpendingAlertHandler implements ICommandHandler<SetSpendingAlertCommand> {
  constructor(
    private readonly accounts: BillingAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ accountId, service, alert, context }: SetSpendingAlertCommand): Promise<SpendingAlertDto> {
    const { state } = await this.accounts.run(
      accountId,
      { kind: 'SetSpendingAlert', accountId, service, ...alert, services: this.config.apiScopes },
      context,
    );
    return { ...state.alerts[service] };
  }
}
