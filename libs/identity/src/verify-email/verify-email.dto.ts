import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token of the link sent at registration' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token: string;
}
