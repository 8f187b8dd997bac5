import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { API_KEY_LISTING_TABLE } from '../../../../projections/api-key-listing/api-key-listing.projection';
import { ApiKey, ApiKeyStatus, endOfValidity, statusAt } from '../domain/api-key.decider';
import { ApiKeyRequestInvalidError } from '../domain/api-key.errors';
import { isKeyId } from '../domain/api-key-format';
import { API_KEY_LAST_USED_TABLE } from './last-used.migrations';
import { ApiKeyView } from './api-key-view';

/** Keys older than this are due for rotation (rotate quarterly). */
export const ROTATION_DUE_SECONDS = 90 * 24 * 3600;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

interface ListingRow {
  key_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  grace_until: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ListingQuery {
  readonly status?: ApiKeyStatus;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface ApiKeyPage {
  readonly items: ApiKeyView[];
  readonly nextCursor: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

type ListedKey = Pick<ApiKey, 'keyId' | 'name' | 'prefix' | 'scopes' | 'createdAt' | 'expiresAt' | 'graceUntil' | 'revokedAt'>;

/** The contract's view of a key: status, `stale` and `rotationDue` from stored instants and the clock. */
export function apiKeyView(key: ListedKey, lastUsedAt: string | null, now: Date, staleSeconds: number): ApiKeyView {
  const nowMs = now.getTime();
  return {
    id: key.keyId,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt,
    expiresAt: endOfValidity(key),
    scopes: [...key.scopes],
    status: statusAt(key, now),
    stale: nowMs - Date.parse(lastUsedAt ?? key.createdAt) > staleSeconds * 1000,
    rotationDue: nowMs - Date.parse(key.createdAt) > ROTATION_DUE_SECONDS * 1000,
  };
}

/** The status as SQL over the same stored instants as `statusAt`, so `?status=` pages correctly. */
const statusCondition: Record<ApiKeyStatus, (nowParameter: () => string) => string> = {
  revoked: () => 'l.revoked_at IS NOT NULL',
  expired: (nowParameter) => {
    const now = nowParameter();
    return `l.revoked_at IS NULL AND (l.expires_at <= ${now} OR l.grace_until <= ${now})`;
  },
  active: (nowParameter) => {
    const now = nowParameter();
    return `l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ${now}) AND (l.grace_until IS NULL OR l.grace_until > ${now})`;
  },
};

function encodeCursor(row: ListingRow): string {
  return Buffer.from(JSON.stringify([iso(row.created_at), row.key_id])).toString('base64url');
}

function isIssuedInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^[1-9][0-9]{3}-/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    new Date(value).toISOString() === value
  );
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // Only the shape encodeCursor writes: Date.parse accepts instants PostgreSQL refuses ('1', '+275760-...').
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      isIssuedInstant(decoded[0]) &&
      typeof decoded[1] === 'string' &&
      isKeyId(decoded[1])
    ) {
      return [decoded[0], decoded[1]];
    }
  } catch {
    // falls through to the same answer as any other malformed cursor
  }
  throw new ApiKeyRequestInvalidError([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
}

/**
 * Reads the ApiKeyListing read model joined with the last-used table. Status, `stale` and
 * `rotationDue` are computed here, at read time, from stored instants and the clock.
 */
@Injectable()
export class ApiKeyListingReader {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(accountId: string, query: ListingQuery, now: Date): Promise<ApiKeyPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [accountId];
    const conditions = ['l.account_id = $1'];
    if (query.status) {
      const nowParameter = (): string => `$${params.push(now.toISOString())}::timestamptz`;
      conditions.push(`(${statusCondition[query.status](nowParameter)})`);
    }
    if (query.cursor) {
      const [createdAt, keyId] = decodeCursor(query.cursor);
      params.push(createdAt, keyId);
      conditions.push(`(l.created_at, l.key_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const { rows } = await this.db.query<ListingRow>(
      `SELECT l.key_id, l.name, l.prefix, l.scopes, l.created_at, l.expires_at, l.grace_until, l.revoked_at, u.last_used_at
       FROM ${API_KEY_LISTING_TABLE} l LEFT JOIN ${API_KEY_LAST_USED_TABLE} u ON u.key_id = l.key_id
       WHERE ${conditions.join(' AND ')}
       ORDER BY l.created_at DESC, l.key_id DESC
       LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => this.view(row, now)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  async get(accountId: string, keyId: string, now: Date): Promise<ApiKeyView | undefined> {
    const { rows } = await this.db.query<ListingRow>(
      `SELECT l.key_id, l.name, l.prefix, l.scopes, l.created_at, l.expires_at, l.grace_until, l.revoked_at, u.last_used_at
       FROM ${API_KEY_LISTING_TABLE} l LEFT JOIN ${API_KEY_LAST_USED_TABLE} u ON u.key_id = l.key_id
       WHERE l.key_id = $1 AND l.account_id = $2`,
      [keyId, accountId],
    );
    return rows.length === 0 ? undefined : this.view(rows[0], now);
  }

  async lastUsedAt(keyId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ last_used_at: Date }>(`SELECT last_used_at FROM ${API_KEY_LAST_USED_TABLE} WHERE key_id = $1`, [
      keyId,
    ]);
    return rows.length === 0 ? null : iso(rows[0].last_used_at);
  }

  private view(row: ListingRow, now: Date): ApiKeyView {
    return apiKeyView(
      {
        keyId: row.key_id,
        name: row.name,
        prefix: row.prefix,
        scopes: row.scopes,
        createdAt: iso(row.created_at)!,
        expiresAt: iso(row.expires_at),
        graceUntil: iso(row.grace_until),
        revokedAt: iso(row.revoked_at),
      },
      iso(row.last_used_at),
      now,
      this.config.apiKeyStaleSeconds,
    );
  }
}
