import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RespondToDisputeDto {
  @ApiProperty({ description: 'The answer, emailed to the account holder' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  message: string;
}
