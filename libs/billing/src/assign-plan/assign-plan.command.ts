import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { Plan } from '../domain/billing-account.events';
import { PlanChangeDto } from '../change-plan/change-plan.dto';

/** Billing staff set any plan, enterprise included. */
export class AssignPlanCommand extends Command<PlanChangeDto> {
  constructor(
    readonly accountId: string,
    readonly plan: Plan,
    readonly context: RequestContext,
  ) {
    super();
  }
}
