import { Inject, Injectable } from '@nestjs/common';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock } from '@app/ddd';
import { InvalidRequestError } from '@app/http';
import { AccountStates } from '@app/identity';
import { ACCOUNT_SESSIONS_TABLE } from '../../../../projections/account-sessions/account-sessions.projection';
import { SESSION_ACTIVITY_TABLE } from '../sessions/sessions.migrations';
import { SessionListDto } from './list-sessions.dto';

interface Row {
  session_id: string;
  method: string;
  second_factor: string | null;
  created_at: Date | string;
  last_active_at: Date | string;
  ip: string | null;
  user_agent: string | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * The live sessions of one account, newest first: the AccountSessions read model joined with the
 * activity table; idle and absolute expiry are decided here, when read.
 */
@Injectable()
export class SessionListing {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly accounts: AccountStates,
  ) {}

  async list(accountId: string, currentSessionId: string, options: { cursor?: string; limit?: number }): Promise<SessionListDto> {
    const now = this.clock.now();
    const limit = options.limit ?? 50;
    const after = options.cursor !== undefined ? decodeCursor(options.cursor) : null;
    const idleSince = new Date(now.getTime() - this.config.sessionIdleSeconds * 1000);
    // Sessions of an older epoch were ended by an account event, even before their end is recorded.
    const account = await this.accounts.load(accountId);
    const epoch = account.exists ? account.sessionEpoch : -1;
    const { rows } = await this.db.query<Row>(
      `SELECT s.session_id, s.method, s.second_factor, s.created_at, a.last_active_at, s.ip, s.user_agent
         FROM ${ACCOUNT_SESSIONS_TABLE} s JOIN ${SESSION_ACTIVITY_TABLE} a ON a.session_id = s.session_id
        WHERE s.account_id = $1 AND s.ended_at IS NULL AND s.expires_at > $2 AND a.last_active_at > $3 AND a.account_epoch = $7
          AND ($4::timestamptz IS NULL OR (s.created_at, s.session_id) < ($4::timestamptz, $5::text))
        ORDER BY s.created_at DESC, s.session_id DESC
        LIMIT $6`,
      [accountId, now.toISOString(), idleSince.toISOString(), after?.createdAt ?? null, after?.sessionId ?? '', limit + 1, epoch],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        id: row.session_id,
        createdAt: iso(row.created_at),
        lastActiveAt: iso(row.last_active_at),
        ip: row.ip,
        userAgent: row.user_agent,
        current: row.session_id === currentSessionId,
        method: row.method,
        secondFactor: row.second_factor,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(iso(last.created_at), last.session_id) : null,
    };
  }
}

function encodeCursor(createdAt: string, sessionId: string): string {
  return Buffer.from(JSON.stringify([createdAt, sessionId]), 'utf8').toString('base64url');
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isIssuedInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^[1-9][0-9]{3}-/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(value).toISOString() === value
  );
}

function decodeCursor(cursor: string): { createdAt: string; sessionId: string } {
  try {
    const [createdAt, sessionId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // Only the shape encodeCursor writes: Date.parse accepts instants PostgreSQL refuses ('1', '+275760-...').
    if (isIssuedInstant(createdAt) && typeof sessionId === 'string' && SESSION_ID.test(sessionId)) return { createdAt, sessionId };
  } catch {
    // fall through
  }
  throw new InvalidRequestError([{ field: 'cursor', message: 'cursor is not one this listing returned' }]);
}
