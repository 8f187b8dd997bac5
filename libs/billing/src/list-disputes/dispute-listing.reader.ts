import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock } from '@app/ddd';
import { BILLING_DISPUTES_TABLE } from '../../../../projections/billing-disputes/billing-disputes.projection';
import { disputeOverdue } from '../domain/dispute.decider';
import { InvoicingRequestInvalidError } from '../domain/invoicing.errors';
import { DisputeStatus } from '../domain/invoicing.events';

export class DisputeAnswerDto {
  @ApiProperty() message: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class DisputeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ type: String, nullable: true }) invoiceNumber: string | null;
  @ApiProperty({ type: String, nullable: true }) chargeRef: string | null;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['open', 'answered', 'resolved'] }) status: DisputeStatus;
  @ApiProperty({ description: 'Open and past respondBy' }) overdue: boolean;
  @ApiProperty({ format: 'date-time' }) respondBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [DisputeAnswerDto] }) answers: DisputeAnswerDto[];
  @ApiProperty({ type: String, nullable: true, enum: ['upheld', 'rejected'] }) outcome: string | null;
  @ApiProperty() creditMicros: number;
}

export class DisputePageDto {
  @ApiProperty({ type: [DisputeDto] }) items: DisputeDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

interface DisputeRow {
  dispute_id: string;
  account_id: string;
  invoice_number: string | null;
  charge_ref: string | null;
  description: string;
  status: DisputeStatus;
  respond_by: Date | string;
  created_at: Date | string;
  answers: { message: string; at: string }[] | string;
  outcome: string | null;
  credit_micros: number | string;
}

export const DEFAULT_PAGE_SIZE = 50;

/** The cursor is the position in the ordered list; it says nothing but a number. */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^[1-9][0-9]{0,8}$/.test(cursor))
    throw new InvoicingRequestInvalidError([{ field: 'cursor', message: 'cursor is not one this list issued' }]);
  return Number(cursor);
}

@Injectable()
export class DisputeListingReader {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The holder's disputes, newest first. */
  async forAccount(accountId: string, page: { cursor?: string; limit?: number }): Promise<DisputePageDto> {
    const offset = offsetOf(page.cursor);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const { rows } = await this.db.query<DisputeRow>(
      `SELECT * FROM ${BILLING_DISPUTES_TABLE} WHERE account_id = $1 ORDER BY created_at DESC, dispute_id LIMIT $2 OFFSET $3`,
      [accountId, limit + 1, offset],
    );
    return this.page(rows, limit, offset);
  }

  /** The billing team's queue: overdue first (earliest deadline first), then the rest by deadline. */
  async queue(page: { status?: DisputeStatus; cursor?: string; limit?: number }): Promise<DisputePageDto> {
    const offset = offsetOf(page.cursor);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const now = this.clock.now().toISOString();
    const { rows } = await this.db.query<DisputeRow>(
      `SELECT * FROM ${BILLING_DISPUTES_TABLE}
       WHERE ($1::text IS NULL OR status = $1)
       ORDER BY (status = 'open' AND respond_by < $2::timestamptz) DESC, respond_by, dispute_id
       LIMIT $3 OFFSET $4`,
      [page.status ?? null, now, limit + 1, offset],
    );
    return this.page(rows, limit, offset);
  }

  private page(rows: DisputeRow[], limit: number, offset: number): DisputePageDto {
    const now = this.clock.now();
    const items = rows.slice(0, limit).map((row) => {
      const respondBy = new Date(row.respond_by).toISOString();
      const status = row.status;
      const answers = typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers;
      return {
        id: row.dispute_id,
        accountId: row.account_id,
        invoiceNumber: row.invoice_number,
        chargeRef: row.charge_ref,
        description: row.description,
        status,
        overdue: disputeOverdue({ status, respondBy }, now),
        respondBy,
        createdAt: new Date(row.created_at).toISOString(),
        answers: (answers as { message: string; at: string }[]).map(({ message, at }) => ({ message, at })),
        outcome: row.outcome,
        creditMicros: Number(row.credit_micros),
      };
    });
    return { items, nextCursor: rows.length > limit ? String(offset + limit) : null };
  }
}
