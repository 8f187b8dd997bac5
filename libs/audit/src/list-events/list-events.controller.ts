import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { NotFoundError } from '@app/http';
import { AccountHistory } from '../trail/account-history';
import { AuditEventPageDto, ListAccountEventsQueryDto } from './list-events.dto';

export const DEFAULT_EVENTS_PAGE = 100;

@StaffRoutes('audit', 'auditor')
@Controller('v1/audit/accounts')
export class ListAccountEventsController {
  constructor(private readonly history: AccountHistory) {}

  @Get(':id/events')
  @ApiOkResponse({ type: AuditEventPageDto, description: "The account's events in log order, as recorded (upcast to the current schema)" })
  @ApiNotFoundResponse({ description: 'not_found: no event concerns this account' })
  async list(@Param('id') accountId: string, @Query() query: ListAccountEventsQueryDto): Promise<AuditEventPageDto> {
    if (!(await this.history.known(accountId))) throw new NotFoundError('account');
    const limit = query.limit ? Number(query.limit) : DEFAULT_EVENTS_PAGE;
    const entries = await this.history.entries(accountId, {
      afterPosition: query.cursor ? BigInt(query.cursor) : undefined,
      type: query.type || undefined,
      limit: limit + 1,
    });
    const page = entries.slice(0, limit);
    const events = await this.history.read(page);
    return {
      items: events.map((event) => ({
        position: event.position.toString(),
        stream: event.stream,
        revision: event.revision,
        type: event.type,
        occurredAt: event.metadata.occurredAt,
        actor: event.metadata.actor,
        data: event.data,
        metadata: event.metadata,
      })),
      nextCursor: entries.length > limit ? page[page.length - 1].position.toString() : null,
    };
  }
}
