import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { Actor, ChainedMetadata, EventData } from '@app/event-store';

/** An empty parameter means the same as an absent one. */
export class ListAccountEventsQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^([0-9]{1,19})?$/, { message: 'cursor must be a nextCursor this route issued' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Matches(/^(1000|[1-9][0-9]{0,2})?$/, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;

  @ApiPropertyOptional({ description: 'An event type (`api_key.revoked`), or a prefix ending with a dot (`api_key.`)' })
  @IsOptional()
  @IsString()
  @Matches(/^([a-z0-9_]+(\.[a-z0-9_]*)*)?$/, { message: 'type must be an event type or a prefix ending with a dot' })
  type?: string;
}

export class AuditEventDto {
  @ApiProperty({ description: 'Global position in the log (a decimal string)' }) position: string;
  @ApiProperty() stream: string;
  @ApiProperty() revision: number;
  @ApiProperty() type: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty() actor: Actor;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: EventData;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Including the hash chain links' }) metadata: ChainedMetadata;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
