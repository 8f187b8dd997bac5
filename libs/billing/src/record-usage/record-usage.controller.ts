import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiProperty, ApiResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthenticatedRequest } from '@app/http';
import { RecordUsageEndpoint, UsageAnswer, UsageRejection } from './record-usage.endpoint';

/** For the OpenAPI document only: the body is checked by the compiled JSON schema of `UsageRequestParser`. */
export class UsageRecordDto {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ enum: ['chat', 'video', 'models'] }) service: string;
  @ApiProperty({ description: 'Integer micro-units (1 USD = 1,000,000), 0 to 10^12' }) amountMicros: number;
  @ApiProperty({ description: 'Counts once per account: a retry with the same key is a duplicate' }) idempotencyKey: string;
  @ApiProperty({ format: 'date-time', description: 'Not in the future, at most 35 days back' }) occurredAt: string;
}

export class UsageBatchDto {
  @ApiProperty({ type: [UsageRecordDto], maxItems: 1000 }) records: UsageRecordDto[];
}

export class RejectedUsageRecordDto {
  @ApiProperty({ description: 'Position of the record in the batch' }) index: number;
  @ApiProperty({ enum: ['period_closed', 'account_closed'] }) error: UsageRejection;
}

export class UsageAnswerDto {
  @ApiProperty() accepted: number;
  @ApiProperty() duplicates: number;
  @ApiProperty({ type: [RejectedUsageRecordDto], example: [{ index: 3, error: 'period_closed' }] }) rejected: RejectedUsageRecordDto[];
}

/**
 * The platform backend reports usage here: a hot route. Requests normally reach `RecordUsageEndpoint`
 * through the fast lane before NestJS; this controller documents the route and serves what the fast
 * lane passes on (in-process `inject` in tests, a content type the fast lane does not take).
 */
@ApiTags('billing')
@ApiBearerAuth('serviceToken')
@Controller('v1/usage')
export class RecordUsageController {
  constructor(private readonly endpoint: RecordUsageEndpoint) {}

  @Post()
  @HttpCode(202)
  @ApiBody({ description: 'One record, or {records: [...]} with up to 1,000', type: UsageBatchDto })
  @ApiResponse({ status: 202, type: UsageAnswerDto })
  @ApiUnauthorizedResponse({ description: 'invalid_service_token' })
  @ApiConflictResponse({
    description: 'period_closed (a single record for a closed period); account_closed (a single record of a closed account)',
  })
  record(
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<UsageAnswer> {
    return this.endpoint.handle(headers, body, request.id);
  }
}
