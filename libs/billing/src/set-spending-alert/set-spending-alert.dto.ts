import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt } from 'class-validator';
import { NOTIFY_CHANNELS, NotifyChannel } from '../domain/billing-account.events';

export class SpendingAlertBodyDto {
  @ApiProperty({ description: 'The budget for the service per period, in micro-units (1 to 10^15)' })
  @IsInt()
  budgetMicros: number;

  @ApiProperty({ minimum: 1, maximum: 100, description: 'Notify once spending for the period reaches this share of the budget' })
  @IsInt()
  thresholdPercent: number;

  @ApiProperty({ enum: NOTIFY_CHANNELS })
  @IsIn(NOTIFY_CHANNELS)
  notify: NotifyChannel;
}

export class SpendingAlertDto {
  @ApiProperty({ enum: ['chat', 'video', 'models'] }) service: string;
  @ApiProperty() budgetMicros: number;
  @ApiProperty() thresholdPercent: number;
  @ApiProperty({ enum: NOTIFY_CHANNELS }) notify: NotifyChannel;
}
