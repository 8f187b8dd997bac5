import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { ListSessionsQueryDto, SessionListDto } from './list-sessions.dto';
import { SessionListing } from './session-listing';

@ApiTags('sessions')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/sessions')
export class ListSessionsController {
  constructor(private readonly listing: SessionListing) {}

  @Get()
  @ApiOkResponse({ type: SessionListDto })
  list(@CurrentAccount() account: AuthenticatedAccount, @Query() query: ListSessionsQueryDto): Promise<SessionListDto> {
    return this.listing.list(account.accountId, account.sessionId, query);
  }
}
