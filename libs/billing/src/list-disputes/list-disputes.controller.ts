import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, StaffRoutes } from '@app/auth';
import { DisputeListingReader, DisputePageDto } from './dispute-listing.reader';
import { ListDisputeQueueQueryDto, ListDisputesQueryDto } from './list-disputes.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/disputes')
export class ListDisputesController {
  constructor(private readonly reader: DisputeListingReader) {}

  @Get()
  @ApiOkResponse({ type: DisputePageDto, description: "The account's disputes, newest first, with the answers" })
  list(@Query() query: ListDisputesQueryDto, @CurrentAccount() account: AuthenticatedAccount): Promise<DisputePageDto> {
    return this.reader.forAccount(account.accountId, {
      cursor: query.cursor || undefined,
      limit: query.limit ? Number(query.limit) : undefined,
    });
  }
}

@StaffRoutes('billing staff', 'billing')
@Controller('v1/staff/billing/disputes')
export class ListDisputeQueueController {
  constructor(private readonly reader: DisputeListingReader) {}

  @Get()
  @ApiOkResponse({ type: DisputePageDto, description: 'Every dispute, overdue first, then by deadline' })
  list(@Query() query: ListDisputeQueueQueryDto): Promise<DisputePageDto> {
    return this.reader.queue({
      status: query.status || undefined,
      cursor: query.cursor || undefined,
      limit: query.limit ? Number(query.limit) : undefined,
    });
  }
}
