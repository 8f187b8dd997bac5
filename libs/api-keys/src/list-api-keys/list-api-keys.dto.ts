import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiKeyStatus } from '../domain/api-key.decider';

/** An empty parameter (`?status=&cursor=`) means the same as an absent one. */
export class ListApiKeysQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'revoked', 'expired'] })
  @IsOptional()
  @IsIn(['active', 'revoked', 'expired', ''], { message: 'status must be active, revoked or expired' })
  status?: ApiKeyStatus | '';

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)?$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}
