import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_LIMIT_MICROS } from '../domain/money';

export class ResolveDisputeDto {
  @ApiProperty({ enum: ['upheld', 'rejected'] })
  @IsIn(['upheld', 'rejected'], { message: 'outcome must be upheld or rejected' })
  outcome: 'upheld' | 'rejected';

  @ApiPropertyOptional({ description: "Upheld only: a credit (micro-units) shown as a negative line on the account's next invoice" })
  @IsOptional()
  @IsInt({ message: 'creditMicros must be a whole number of micro-units' })
  @Min(1)
  @Max(MAX_LIMIT_MICROS)
  creditMicros?: number;
}
