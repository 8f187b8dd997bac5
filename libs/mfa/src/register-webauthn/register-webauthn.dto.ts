import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, MaxLength } from 'class-validator';

export class RegisterWebauthnDto {
  @ApiProperty({ description: "The browser's PublicKeyCredential.toJSON() for the registration options", type: Object })
  @IsObject()
  response: Record<string, unknown>;

  @ApiProperty({ example: 'YubiKey 5C', maxLength: 100 })
  @IsString()
  @MaxLength(200)
  nickname: string;
}

export class RegisteredKeyDto {
  @ApiProperty({ format: 'uuid' }) factorId: string;
  @ApiPropertyOptional({ type: [String], description: 'Only when this is the first factor: shown once' })
  recoveryCodes?: string[];
}
