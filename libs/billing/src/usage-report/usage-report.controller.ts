import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock } from '@app/ddd';
import { InvalidRequestError } from '@app/http';
import { BILLING_USAGE_DAILY_TABLE } from '../../../../projections/billing-usage-daily/billing-usage-daily.projection';
import { isPeriod, periodOf } from '../domain/billing-period';

export class UsageReportQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'YYYY-MM; the current period when absent or empty' })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  period?: string;
}

export const USAGE_CSV_HEADER = 'date,service,records,amount_micros';

/** `GET /v1/billing/usage.csv?period=`: one line per day and service with usage, from the daily read model. */
@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing')
export class UsageReportController {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('usage.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiOkResponse({ description: `text/csv: ${USAGE_CSV_HEADER}, days in order, services by name` })
  async report(@Query() query: UsageReportQueryDto, @CurrentAccount() account: AuthenticatedAccount): Promise<string> {
    const period = query.period ? query.period : periodOf(this.clock.now());
    if (!isPeriod(period)) throw new InvalidRequestError([{ field: 'period', message: 'period must be a month as YYYY-MM' }]);
    const { rows } = await this.db.query<{ day: string; service: string; records: string | number; amount_micros: string | number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, service, records, amount_micros FROM ${BILLING_USAGE_DAILY_TABLE}
       WHERE account_id = $1 AND period = $2 ORDER BY day, service`,
      [account.accountId, period],
    );
    const lines = rows.map((row) => `${row.day},${row.service},${String(row.records)},${String(row.amount_micros)}`);
    return [USAGE_CSV_HEADER, ...lines].join('\n') + '\n';
  }
}
