import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NoCardNumber } from '../invoicing/no-card-number';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay'] as const;

/**
 * `{type: "card", brand, last4, expMonth, expYear, token}` or `{type: "ach", accountLast4, routingNumber,
 * token}`. The processor (not this service) holds the card; a body with a full card number anywhere is
 * refused (unknown fields are refused too, so `number` or `cardNumber` never gets in).
 */
export class AddPaymentMethodDto {
  @ApiProperty({ enum: ['card', 'ach'] })
  @IsIn(['card', 'ach'], { message: 'type must be card or ach' })
  type: 'card' | 'ach';

  @ApiPropertyOptional({ enum: CARD_BRANDS, description: 'card' })
  @IsOptional()
  @IsIn(CARD_BRANDS, { message: `brand must be one of ${CARD_BRANDS.join(', ')}` })
  brand?: string;

  @ApiPropertyOptional({ pattern: '^[0-9]{4}$', description: 'card' })
  @IsOptional()
  @Matches(/^[0-9]{4}$/, { message: 'last4 must be the last 4 digits' })
  last4?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 12, description: 'card' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  expMonth?: number;

  @ApiPropertyOptional({ minimum: 2000, maximum: 2200, description: 'card' })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2200)
  expYear?: number;

  @ApiPropertyOptional({ pattern: '^[0-9]{4}$', description: 'ach' })
  @IsOptional()
  @Matches(/^[0-9]{4}$/, { message: 'accountLast4 must be the last 4 digits of the bank account' })
  accountLast4?: string;

  @ApiPropertyOptional({ pattern: '^[0-9]{9}$', description: 'ach: the 9-digit ABA routing number' })
  @IsOptional()
  @Matches(/^[0-9]{9}$/, { message: 'routingNumber must be 9 digits' })
  routingNumber?: string;

  @ApiProperty({ description: "The payment processor's token for this method (kept sealed, never shown)" })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'token must be printable ASCII without spaces' })
  @NoCardNumber()
  token: string;
}

const CARD_FIELDS = ['brand', 'last4', 'expMonth', 'expYear'] as const;
const ACH_FIELDS = ['accountLast4', 'routingNumber'] as const;

/** The fields each type needs and the ones it must not carry, as `details` of a 400. */
export function paymentMethodFieldProblems(body: AddPaymentMethodDto): { field: string; message: string }[] {
  const [needed, foreign] = body.type === 'card' ? [CARD_FIELDS, ACH_FIELDS] : [ACH_FIELDS, CARD_FIELDS];
  return [
    ...needed.filter((field) => body[field] === undefined).map((field) => ({ field, message: `${field} is required for ${body.type}` })),
    ...foreign.filter((field) => body[field] !== undefined).map((field) => ({ field, message: `${field} is not a field of ${body.type}` })),
  ];
}
