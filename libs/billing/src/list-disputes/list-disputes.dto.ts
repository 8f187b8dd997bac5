import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ListDisputesQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)?$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}

export class ListDisputeQueueQueryDto extends ListDisputesQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'answered', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'answered', 'resolved', ''], { message: 'status must be open, answered or resolved' })
  status?: 'open' | 'answered' | 'resolved' | '';
}
