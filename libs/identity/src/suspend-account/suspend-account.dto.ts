import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class SuspendAccountDto {
  @ApiProperty({ description: 'Why: recorded in the account history for support and audit' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}
