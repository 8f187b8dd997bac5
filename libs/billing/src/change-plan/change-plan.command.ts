import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { PlanChangeDto } from './change-plan.dto';

/** The account holder moves between basic and professional. */
export class ChoosePlanCommand extends Command<PlanChangeDto> {
  constructor(
    readonly accountId: string,
    readonly plan: 'basic' | 'professional',
    readonly context: RequestContext,
  ) {
    super();
  }
}
