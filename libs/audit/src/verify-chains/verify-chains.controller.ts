import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { NotFoundError } from '@app/http';
import { ChainReport } from '../domain/chain-report';
import { AccountHistory } from '../trail/account-history';
import { AccountChains } from './account-chains';

@StaffRoutes('audit', 'auditor')
@Controller('v1/audit/accounts')
export class VerifyAccountChainsController {
  constructor(
    private readonly history: AccountHistory,
    private readonly chains: AccountChains,
  ) {}

  @Get(':id/verify')
  @ApiOkResponse({
    description: '`{intact, events, streams, firstBroken?: {stream, revision}}` over every stream of the account',
    schema: {
      type: 'object',
      required: ['intact', 'events', 'streams'],
      properties: {
        intact: { type: 'boolean' },
        events: { type: 'integer' },
        streams: { type: 'integer' },
        firstBroken: {
          type: 'object',
          required: ['stream', 'revision'],
          properties: { stream: { type: 'string' }, revision: { type: 'integer' } },
        },
      },
    },
  })
  @ApiNotFoundResponse({ description: 'not_found: no event concerns this account' })
  async verify(@Param('id') accountId: string): Promise<ChainReport> {
    if (!(await this.history.known(accountId))) throw new NotFoundError('account');
    return this.chains.verify(accountId);
  }
}
