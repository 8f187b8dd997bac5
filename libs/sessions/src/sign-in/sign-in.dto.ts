import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({ example: 'ada@example.com', description: 'Compared case-insensitively' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Case-sensitive' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class MfaChallengeDto {
  @ApiProperty({ enum: [true] })
  mfaRequired: true;

  @ApiProperty({ description: 'Short-lived; completes the sign-in at POST /v1/auth/mfa' })
  mfaToken: string;

  @ApiProperty({ type: [String], enum: ['totp', 'webauthn', 'recovery_code'] })
  methods: Array<'totp' | 'webauthn' | 'recovery_code'>;
}
