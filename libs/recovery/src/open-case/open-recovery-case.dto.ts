import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { LostFactor } from '../domain/recovery-case.events';

export class OpenRecoveryCaseDto {
  @ApiProperty({ description: 'The address the request came from' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'fromEmail must be an email address' })
  fromEmail: string;

  @ApiProperty({ description: "The account's address, as the person names it" })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'accountEmail must be an email address' })
  accountEmail: string;

  @ApiProperty({ description: 'The subject line: it must say "Account Recovery Request"' })
  @IsString()
  @MaxLength(200)
  @Matches(/account recovery request/i, { message: 'subject must contain "Account Recovery Request"' })
  subject: string;

  @ApiProperty()
  @IsString()
  @MaxLength(20_000)
  body: string;

  @ApiProperty({ enum: ['password', 'mfa', 'both'] })
  @IsIn(['password', 'mfa', 'both'], { message: 'lost must be password, mfa or both' })
  lost: LostFactor;
}

export class OpenedRecoveryCaseDto {
  @ApiProperty() id: string;
  @ApiProperty() accountId: string;
  @ApiProperty({ description: '2 business days after opening' }) dueBy: string;
  @ApiProperty() senderMatchesAccount: boolean;
  @ApiProperty({ enum: ['open'] }) status: 'open';
}
