import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class EraseAccountDto {
  @ApiProperty({ description: 'Why: recorded in clear with the erasure, with who did it and when (keep personal data out of it)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}
