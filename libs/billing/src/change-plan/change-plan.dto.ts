import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PLANS, Plan, PlanFeature } from '../domain/billing-account.events';

export class ChoosePlanDto {
  @ApiProperty({ enum: ['basic', 'professional'], description: 'enterprise is set by billing staff' })
  @IsIn(['basic', 'professional'])
  plan: 'basic' | 'professional';
}

export class AssignPlanDto {
  @ApiProperty({ enum: PLANS })
  @IsIn(PLANS)
  plan: Plan;
}

export class PlanChangeDto {
  @ApiProperty({ enum: PLANS }) plan: Plan;
  @ApiProperty({ enum: ['alerts', 'spending_cap'], isArray: true, description: 'Features the change switched off' })
  switchedOff: PlanFeature[];
}
