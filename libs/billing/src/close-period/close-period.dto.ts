import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ClosePeriodDto {
  @ApiProperty({ example: '2026-11', description: 'A calendar month in UTC (YYYY-MM) that is over' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be a month as YYYY-MM' })
  period: string;
}

export class ClosedPeriodDto {
  @ApiProperty({ description: 'Invoices issued by this call (0 when the period was already closed and invoiced)' })
  invoicesIssued: number;
}
