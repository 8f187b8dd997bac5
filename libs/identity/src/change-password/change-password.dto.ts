import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ description: 'Checked against the password policy; every session ends when it is accepted' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  newPassword: string;
}
