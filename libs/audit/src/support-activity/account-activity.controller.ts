import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { StaffRoutes } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { NotFoundError } from '@app/http';
import { summariseActivity } from '../domain/activity-summary';
import { AccountHistory } from '../trail/account-history';

/** Without `since`, the last 30 days. */
export const DEFAULT_ACTIVITY_DAYS = 30;
export const DEFAULT_ACTIVITY_PAGE = 100;

export class AccountActivityQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601 instant; 30 days ago when absent' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 instant' })
  since?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^([0-9]{1,19})?$/, { message: 'cursor must be a nextCursor this route issued' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Matches(/^(500|[1-4][0-9]{2}|[1-9][0-9]?)?$/, { message: 'limit must be a whole number from 1 to 500' })
  limit?: string;
}

export class ActivityItemDto {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'sign_in, session, password, mfa, api_key, billing, recovery, staff, account or other' }) kind: string;
  @ApiProperty({ description: 'Written per event type; no secret and no payment data' }) summary: string;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ nullable: true, enum: ['success', 'failure', 'locked'] }) outcome: string | null;
}

export class ActivityPageDto {
  @ApiProperty({ type: [ActivityItemDto] }) items: ActivityItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

@StaffRoutes('support', 'support')
@Controller('v1/support/accounts')
export class AccountActivityController {
  constructor(
    private readonly history: AccountHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':id/activity')
  @ApiOkResponse({ type: ActivityPageDto, description: "The account's recent activity, newest first, secrets and payment data left out" })
  @ApiNotFoundResponse({ description: 'not_found: no event concerns this account' })
  async activity(@Param('id') accountId: string, @Query() query: AccountActivityQueryDto): Promise<ActivityPageDto> {
    if (!(await this.history.known(accountId))) throw new NotFoundError('account');
    const since = query.since ? new Date(query.since) : new Date(this.clock.now().getTime() - DEFAULT_ACTIVITY_DAYS * 86_400_000);
    const limit = query.limit ? Number(query.limit) : DEFAULT_ACTIVITY_PAGE;
    const entries = await this.history.entries(accountId, {
      since,
      beforePosition: query.cursor ? BigInt(query.cursor) : undefined,
      newestFirst: true,
      limit: limit + 1,
    });
    const page = entries.slice(0, limit);
    const events = await this.history.read(page);
    return {
      items: events.map((event) => ({
        at: event.metadata.occurredAt,
        ...summariseActivity(event),
        ip: event.metadata.ip ?? null,
        userAgent: event.metadata.userAgent ?? null,
      })),
      nextCursor: entries.length > limit ? page[page.length - 1].position.toString() : null,
    };
  }
}
