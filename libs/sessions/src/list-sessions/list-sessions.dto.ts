import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListSessionsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class SessionItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'Kept to the minute' })
  lastActiveAt: string;

  @ApiProperty({ nullable: true, type: String })
  ip: string | null;

  @ApiProperty({ nullable: true, type: String })
  userAgent: string | null;

  @ApiProperty({ description: 'The session of the token making this request' })
  current: boolean;

  @ApiProperty({
    description: 'The first factor of the sign-in that started the session: `password` or `oidc:<provider>`',
    example: 'password',
  })
  method: string;

  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['totp', 'webauthn', 'recovery_code'],
    description: 'The second factor it completed with',
  })
  secondFactor: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionItemDto] })
  items: SessionItemDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
