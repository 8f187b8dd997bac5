import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { BillingAccountEvent, BillingAccountEventType } from '../domain/billing-account.events';
import { BillingAccountState } from '../domain/billing-account.decider';
import { ChoosePlanCommand } from './change-plan.command';
import { PlanChangeDto } from './change-plan.dto';

/** The answer of a plan change: the plan now, and what the change switched off (also in `billing.plan_changed`). */
export function planChangeOf(state: BillingAccountState, events: readonly BillingAccountEvent[]): PlanChangeDto {
  const changed = events.find((event) => event.type === BillingAccountEventType.PlanChanged);
  return { plan: state.plan, switchedOff: changed?.type === BillingAccountEventType.PlanChanged ? [...changed.data.switchedOff] : [] };
}

@CommandHandler(ChoosePlanCommand)
export class ChoosePlanHandler implements ICommandHandler<ChoosePlanCommand> {
  constructor(private readonly accounts: BillingAccounts) {}

  async execute({ accountId, plan, context }: ChoosePlanCommand): Promise<PlanChangeDto> {
    const { state, events } = await this.accounts.run(accountId, { kind: 'ChoosePlan', accountId, plan }, context);
    return planChangeOf(state, events);
  }
}
