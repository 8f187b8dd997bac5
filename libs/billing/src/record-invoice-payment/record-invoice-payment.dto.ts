import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_LIMIT_MICROS } from '../domain/money';

export class RecordInvoicePaymentDto {
  @ApiProperty({ description: 'Micro-units received' })
  @IsInt({ message: 'amountMicros must be a whole number of micro-units' })
  @Min(1)
  @Max(MAX_LIMIT_MICROS)
  amountMicros: number;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true }, { message: 'paidAt must be an ISO 8601 instant' })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'paidAt must carry its offset (Z for UTC)' })
  paidAt: string;

  @ApiProperty({ description: "The processor's reference of the charge; a payment is recorded once per reference" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;
}
