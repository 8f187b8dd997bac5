import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ConfirmPasswordResetDto {
  @ApiProperty({ description: 'The token of the reset link (base64url)' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token: string;

  /** The policy (length, classes, dictionary) is checked by the domain; this only bounds the input. */
  @ApiProperty({ minLength: 1, maxLength: 1024, description: 'Checked against the password policy' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  newPassword: string;
}
