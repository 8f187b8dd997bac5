import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class ListInvoicesQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^(INV-\d{4}-\d{6})?$/, { message: 'cursor is not one this list issued' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 24 })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)?$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}
