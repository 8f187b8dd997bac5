import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentMethod } from '../domain/payment-method.decider';

export class PaymentMethodDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['card', 'ach'] }) type: 'card' | 'ach';
  @ApiPropertyOptional({ description: 'Cards only' }) brand?: string;
  @ApiProperty({ description: 'Last 4 digits of the card or bank account' }) last4: string;
  @ApiPropertyOptional({ description: 'Cards only' }) expMonth?: number;
  @ApiPropertyOptional({ description: 'Cards only' }) expYear?: number;
  @ApiProperty() isDefault: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PaymentMethodPageDto {
  @ApiProperty({ type: [PaymentMethodDto] }) items: PaymentMethodDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** The contract's view: never the processor token. */
export function paymentMethodView(method: PaymentMethod): PaymentMethodDto {
  return method.type === 'card'
    ? {
        id: method.methodId,
        type: 'card',
        brand: method.brand ?? undefined,
        last4: method.last4,
        expMonth: method.expMonth ?? undefined,
        expYear: method.expYear ?? undefined,
        isDefault: method.isDefault,
        createdAt: method.createdAt,
      }
    : { id: method.methodId, type: 'ach', last4: method.last4, isDefault: method.isDefault, createdAt: method.createdAt };
}
