import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { StaffRoutes } from '@app/auth';
import { CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock } from '@app/ddd';
import { RECOVERY_CASES_TABLE } from '../../../../projections/recovery-cases/recovery-cases.projection';
import { RecoveryCases, recoveryCaseView, RecoveryCaseView } from '../recovery-cases';

export const DEFAULT_CASES_PAGE = 50;

export class ListRecoveryCasesQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'approved', 'denied'] })
  @IsOptional()
  @IsIn(['open', 'approved', 'denied', ''], { message: 'status must be open, approved or denied' })
  status?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^([0-9]{1,9})?$/, { message: 'cursor must be a nextCursor this route issued' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)?$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}

interface QueueRow {
  case_id: string;
  account_id: string;
  status: string;
  lost: string;
  sender_matches_account: boolean;
  opened_at: Date | string;
  due_by: Date | string;
  decided_at: Date | string | null;
  overdue: boolean;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

@StaffRoutes('support', 'support')
@Controller('v1/support/recovery-cases')
export class ListRecoveryCasesController {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cases: RecoveryCases,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'items `{id, accountId, status, lost, senderMatchesAccount, openedAt, dueBy, overdue, decidedAt}`: overdue first, then by due date',
    schema: {
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: {
        items: { type: 'array', items: { type: 'object', required: ['id', 'accountId', 'status', 'dueBy'], additionalProperties: true } },
        nextCursor: { type: 'string', nullable: true },
      },
    },
  })
  async list(@Query() query: ListRecoveryCasesQueryDto) {
    const limit = query.limit ? Number(query.limit) : DEFAULT_CASES_PAGE;
    const offset = query.cursor ? Number(query.cursor) : 0;
    const { rows } = await this.db.query<QueueRow>(
      `SELECT *, (status = 'open' AND due_by < $1) AS overdue FROM ${RECOVERY_CASES_TABLE}
       WHERE ($2::text IS NULL OR status = $2)
       ORDER BY (status = 'open' AND due_by < $1) DESC, (status = 'open') DESC, due_by, case_id
       LIMIT $3 OFFSET $4`,
      [this.clock.now().toISOString(), query.status || null, limit + 1, offset],
    );
    return {
      items: rows.slice(0, limit).map((row) => ({
        id: row.case_id,
        accountId: row.account_id,
        status: row.status,
        lost: row.lost,
        senderMatchesAccount: row.sender_matches_account,
        openedAt: iso(row.opened_at),
        dueBy: iso(row.due_by),
        overdue: row.overdue,
        decidedAt: iso(row.decided_at),
      })),
      nextCursor: rows.length > limit ? String(offset + limit) : null,
    };
  }

  @Get(':id')
  @ApiOkResponse({
    description: 'The case from its stream: the request, the deadline and the evidence so far',
    schema: { type: 'object', required: ['id', 'accountId', 'status'], additionalProperties: true },
  })
  @ApiNotFoundResponse({ description: 'not_found: no such case' })
  async get(@Param('id') caseId: string): Promise<RecoveryCaseView> {
    return recoveryCaseView(await this.cases.load(caseId), this.clock.now());
  }
}
