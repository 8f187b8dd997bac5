import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'production-chatbot-server-1', maxLength: 100 })
  @IsString()
  @MaxLength(200)
  name: string;

  /** Names from API_SCOPES; unknown names are refused by the domain with one detail each. */
  @ApiProperty({ example: ['chat'], type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  scopes: string[];

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;
}

/** 201 of create and rotate: the only time the full key is ever shown. */
export class IssuedApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'mmx_3kTm9QxZ' }) prefix: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty({ description: 'The full key, shown once' }) key: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt: string | null;
}
