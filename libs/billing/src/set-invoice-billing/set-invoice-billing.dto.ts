import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetInvoiceBillingDto {
  @ApiProperty({ description: 'Invoice billing on net-30 terms (enterprise accounts only)' })
  @IsBoolean()
  enabled: boolean;
}
