import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { InvalidRequestError } from '@app/http';
import { NOTIFICATIONS_TABLE } from '../../../../projections/notifications/notifications.projection';
import { NOTIFICATION_KINDS, NotificationKind } from '../domain/notification.events';

export class ListNotificationsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 }) @IsOptional() @IsString() @MaxLength(3) limit?: string;
}

export class NotificationDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) readAt: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/;

interface Row {
  notification_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  created_at: string | Date;
  read_at: string | Date | null;
}

/** Newest first, keyset pagination on (createdAt, id); the cursor is only ever one this route issued. */
@ApiTags('notifications')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/notifications')
export class ListNotificationsController {
  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  async list(@Query() query: ListNotificationsQueryDto, @CurrentAccount() account: AuthenticatedAccount): Promise<NotificationPageDto> {
    const limit = query.limit ? Number(query.limit) : 50;
    if (!/^\d+$/.test(query.limit ?? '50') || limit < 1 || limit > 100) {
      throw new InvalidRequestError([{ field: 'limit', message: 'limit must be a whole number from 1 to 100' }]);
    }
    let after: [string, string] | undefined;
    if (query.cursor) {
      const decoded = CURSOR.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      if (!decoded || Number.isNaN(Date.parse(decoded[1])))
        throw new InvalidRequestError([{ field: 'cursor', message: 'cursor is not one this route issued' }]);
      after = [decoded[1], decoded[2]];
    }
    const params: unknown[] = [account.accountId, limit + 1];
    let where = 'account_id = $1';
    if (after) {
      params.push(after[0], after[1]);
      where += ' AND (created_at, notification_id) < ($3::timestamptz, $4)';
    }
    const { rows } = await this.db.query<Row>(
      `SELECT notification_id, kind, title, body, created_at, read_at FROM ${NOTIFICATIONS_TABLE}
       WHERE ${where} ORDER BY created_at DESC, notification_id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map((row) => ({
      id: row.notification_id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      createdAt: new Date(row.created_at).toISOString(),
      readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
    }));
    const last = items[items.length - 1];
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.createdAt}|${last.id}`, 'utf8').toString('base64url') : null;
    return { items, nextCursor };
  }
}
