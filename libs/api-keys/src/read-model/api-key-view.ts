import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyStatus } from '../domain/api-key.decider';

/** An item of `GET /v1/api-keys` and the body of `GET /v1/api-keys/:id`. */
export class ApiKeyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'mmx_3kTm9QxZ' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'To the minute' }) lastUsedAt: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the key stops working: its expiry, or the end of a rotation grace period if earlier',
  })
  expiresAt: string | null;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty({ enum: ['active', 'revoked', 'expired'] }) status: ApiKeyStatus;
  @ApiProperty({ description: 'Unused (or, if never used, created) longer ago than API_KEY_STALE_SECONDS' }) stale: boolean;
  @ApiProperty({ description: 'Created more than 90 days ago: rotate quarterly' }) rotationDue: boolean;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyView] }) items: ApiKeyView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
