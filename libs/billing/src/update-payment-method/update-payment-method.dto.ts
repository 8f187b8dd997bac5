import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class UpdatePaymentMethodDto {
  @ApiPropertyOptional({ description: 'true makes this the default (the previous default stops being it)' })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 12 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  expMonth?: number;

  @ApiPropertyOptional({ minimum: 2000, maximum: 2200 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2200)
  expYear?: number;
}
