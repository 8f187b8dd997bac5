import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountDirectory } from '../billing-account/account-directory';
import { EnterpriseFeatures } from '../invoicing/enterprise-features';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { BillingNotFoundError } from '../domain/billing.errors';
import { planChangeOf } from '../change-plan/change-plan.handler';
import { PlanChangeDto } from '../change-plan/change-plan.dto';
import { AssignPlanCommand } from './assign-plan.command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@CommandHandler(AssignPlanCommand)
export class AssignPlanHandler implements ICommandHandler<AssignPlanCommand> {
  constructor(
    private readonly accounts: BillingAccounts,
    private readonly directory: AccountDirectory,
    private readonly enterpriseFeatures: EnterpriseFeatures,
  ) {}

  async execute({ accountId, plan, context }: AssignPlanCommand): Promise<PlanChangeDto> {
    if (!UUID.test(accountId) || !(await this.directory.exists(accountId))) throw new BillingNotFoundError('account');
    const enterpriseFeaturesInUse = plan === 'enterprise' ? [] : await this.enterpriseFeatures.inUse(accountId);
    const { state, events } = await this.accounts.run(accountId, { kind: 'AssignPlan', accountId, plan, enterpriseFeaturesInUse }, context);
    return planChangeOf(state, events);
  }
}
