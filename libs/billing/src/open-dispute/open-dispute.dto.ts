import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export class OpenDisputeDto {
  @ApiPropertyOptional({ example: 'INV-2026-000042', description: 'invoiceNumber or chargeRef (or both) is required' })
  @IsOptional()
  @Matches(/^INV-\d{4}-\d{6}$/, { message: 'invoiceNumber must look like INV-2026-000042' })
  invoiceNumber?: string;

  @ApiPropertyOptional({ description: "The charge's reference on the statement" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  chargeRef?: string;

  @ApiProperty({ description: 'What is wrong with the charge' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  description: string;
}

/** A dispute that arrived by email, opened by billing staff for the account it concerns. */
export class OpenDisputeForAccountDto extends OpenDisputeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'accountId must be an account id' })
  accountId: string;
}

export class OpenedDisputeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: '2 business days after opening, at the same time of day (UTC)' }) respondBy: string;
  @ApiProperty({ enum: ['open', 'answered', 'resolved'] }) status: string;
}
