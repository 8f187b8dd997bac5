import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class EnrolTotpDto {
  @ApiPropertyOptional({ example: 'Phone', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nickname?: string;
}

/** The secret is in this answer only; the factor is pending until confirmed with a current code. */
export class TotpEnrolmentDto {
  @ApiProperty({ format: 'uuid' }) factorId: string;
  @ApiProperty({ description: 'Base32, 160 bits; shown once' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/MiniMax:ada%40example.com?secret=...&issuer=MiniMax&digits=6&period=30' })
  otpauthUrl: string;
  @ApiProperty({ description: 'The otpauth URL as a QR code, an SVG document' }) qrCodeSvg: string;
}
