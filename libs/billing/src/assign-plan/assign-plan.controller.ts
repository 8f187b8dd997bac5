import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { AssignPlanDto, PlanChangeDto } from '../change-plan/change-plan.dto';
import { AssignPlanCommand } from './assign-plan.command';

@StaffRoutes('billing-staff', 'billing')
@Controller('v1/staff/billing/accounts')
export class AssignPlanController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':id/plan')
  @ApiOkResponse({ type: PlanChangeDto })
  @ApiForbiddenResponse({ description: 'forbidden: the billing role is needed' })
  @ApiNotFoundResponse({ description: 'not_found: no such account' })
  assign(@Param('id') id: string, @Body() body: AssignPlanDto, @Context() context: RequestContext): Promise<PlanChangeDto> {
    return this.commandBus.execute(new AssignPlanCommand(id, body.plan, context));
  }
}
