import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class RotateApiKeyDto {
  /** How long the old key keeps working; never past its own expiry. */
  @ApiProperty({ minimum: 0, maximum: 604800, example: 86400 })
  @IsInt()
  @Min(0)
  @Max(604_800)
  gracePeriodSeconds: number;
}
