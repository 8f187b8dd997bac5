import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { BodyOptional } from '@app/http';

/** The body may be left out (`DELETE /v1/me` after a sign-in with a second step, or without a password). */
@BodyOptional()
export class CloseAccountDto {
  @ApiPropertyOptional({
    description: 'The current password: required unless the session signed in with a second step, or the account has no password',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;
}
