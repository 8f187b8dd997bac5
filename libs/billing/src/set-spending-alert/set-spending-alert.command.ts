import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { NotifyChannel } from '../domain/billing-account.events';
import { SpendingAlertDto } from './set-spending-alert.dto';

export class SetSpendingAlertCommand extends Command<SpendingAlertDto> {
  constructor(
    readonly accountId: string,
    readonly service: string,
    readonly alert: { budgetMicros: number; thresholdPercent: number; notify: NotifyChannel },
    readonly context: RequestContext,
  ) {
    super();
  }
}
