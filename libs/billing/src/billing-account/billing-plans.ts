import { Injectable } from '@nestjs/common';
import { Plan, PlanReader } from '@app/identity';
import { BillingAccounts } from './billing-accounts';

/** Identity's port for `GET /v1/me`: the plan folded from `billing_account-<id>`, consistent with billing's own answers. */
@Injectable()
export class BillingPlans extends PlanReader {
  constructor(private readonly accounts: BillingAccounts) {
    super();
  }

  async planOf(accountId: string): Promise<Plan> {
    return (await this.accounts.state(accountId)).plan;
  }
}
