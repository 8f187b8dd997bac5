import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Exactly one of `totpCode`, `recoveryCode`, `webauthn` (checked by the handler, 400 otherwise). */
export class CompleteSecondStepDto {
  @ApiProperty({ description: 'From the sign-in answer `{mfaRequired: true, mfaToken, methods}`' })
  @IsString()
  @MaxLength(4096)
  mfaToken: string;

  @ApiPropertyOptional({ example: '123456', pattern: '^[0-9]{6}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'totpCode must be 6 digits' })
  totpCode?: string;

  @ApiPropertyOptional({ example: '7KQM-3XHT-9WPD', description: 'Any case; hyphens and spaces optional' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;

  @ApiPropertyOptional({ description: "The browser's PublicKeyCredential.toJSON() for the authentication options", type: Object })
  @IsOptional()
  @IsObject()
  webauthn?: Record<string, unknown>;
}

export class SecondStepOptionsDto {
  @ApiProperty()
  @IsString()
  @MaxLength(4096)
  mfaToken: string;
}
