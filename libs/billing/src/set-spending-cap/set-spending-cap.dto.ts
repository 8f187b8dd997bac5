import { ApiProperty } from '@nestjs/swagger';
import { IsInt } from 'class-validator';

export class SpendingCapDto {
  @ApiProperty({ description: 'Month-to-date at which key verification answers 429, in micro-units (0 to 10^15)' })
  @IsInt()
  capMicros: number;
}
