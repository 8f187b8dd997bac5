import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { StaffRoutes } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { NotFoundError } from '@app/http';
import { AccountHistory } from '../trail/account-history';
import { AccountStateReplay } from './account-state-replay';

export class AccountStateQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601 instant; now when absent' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO 8601 instant' })
  asOf?: string;
}

@StaffRoutes('audit', 'auditor')
@Controller('v1/audit/accounts')
export class AccountStateController {
  constructor(
    private readonly history: AccountHistory,
    private readonly replay: AccountStateReplay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':id/state')
  @ApiOkResponse({
    description:
      '`{asOf, account: {status, email, emailVerified, roles}, mfa: {enabled, factors}, apiKeys: [{id, name, status, scopes}], ...}` rebuilt from the events up to asOf',
    schema: {
      type: 'object',
      required: ['asOf', 'account', 'mfa', 'apiKeys', 'billing'],
      properties: {
        asOf: { type: 'string', format: 'date-time' },
        account: {
          type: 'object',
          required: ['status', 'email', 'emailVerified', 'roles'],
          properties: {
            status: { type: 'string' },
            email: { type: 'string', nullable: true },
            emailVerified: { type: 'boolean' },
            roles: { type: 'array', items: { type: 'string' } },
          },
        },
        mfa: {
          type: 'object',
          required: ['enabled', 'factors'],
          properties: { enabled: { type: 'boolean' }, factors: { type: 'array', items: { type: 'object' } } },
        },
        apiKeys: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'status', 'scopes'],
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              status: { type: 'string' },
              scopes: { type: 'array', items: { type: 'string' } },
            },
          },
        },
        billing: { type: 'object' },
      },
    },
  })
  @ApiNotFoundResponse({ description: 'not_found: no event concerns this account' })
  async state(@Param('id') accountId: string, @Query() query: AccountStateQueryDto): Promise<Record<string, unknown>> {
    if (!(await this.history.known(accountId))) throw new NotFoundError('account');
    return this.replay.stateAt(accountId, query.asOf ? new Date(query.asOf) : this.clock.now());
  }
}
