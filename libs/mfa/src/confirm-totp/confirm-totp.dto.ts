import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', pattern: '^[0-9]{6}$' })
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class ConfirmedFactorDto {
  @ApiProperty({ format: 'uuid' }) factorId: string;
  @ApiPropertyOptional({ type: [String], description: 'Only when this is the first factor: shown once', example: ['7KQM-3XHT-9WPD'] })
  recoveryCodes?: string[];
}
