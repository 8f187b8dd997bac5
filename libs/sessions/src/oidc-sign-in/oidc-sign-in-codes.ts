import { Inject, Injectable } from '@nestjs/common';
import { SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { randomToken, sha256Hex } from '@app/security';
import { SignInMethod } from '../domain/session.events';
import { OIDC_SIGN_IN_CODES_TABLE } from '../sessions/sessions.migrations';

/** How long the hub has to exchange the code it finds in its URL fragment. */
export const OIDC_SIGN_IN_CODE_SECONDS = 60;

export interface RedeemedSignInCode {
  readonly accountId: string;
  readonly method: SignInMethod;
}

/**
 * The one-time codes of social sign-ins that came back to a hub page: 256 random bits, of which only
 * the SHA-256 is stored, with the account whose first factor the provider's round trip proved. A code
 * is spent by the DELETE that finds it, so two exchanges of one code cannot both win, on PGlite or
 * PostgreSQL, and an expired one is gone by the time it is shown (expired rows are swept on each issue).
 */
@Injectable()
export class OidcSignInCodes {
  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  async issue(accountId: string, method: SignInMethod, now: Date): Promise<string> {
    const code = randomToken(32);
    const expiresAt = new Date(now.getTime() + OIDC_SIGN_IN_CODE_SECONDS * 1000);
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${OIDC_SIGN_IN_CODES_TABLE} WHERE expires_at <= $1`, [now.toISOString()]);
      await tx.query(`INSERT INTO ${OIDC_SIGN_IN_CODES_TABLE} (code_hash, account_id, method, expires_at) VALUES ($1, $2, $3, $4)`, [
        sha256Hex(code),
        accountId,
        method,
        expiresAt.toISOString(),
      ]);
    });
    return code;
  }

  /** Spends the code: what it stands for, or null when it is unknown, used, or past its 60 seconds at `now`. */
  async redeem(code: string, now: Date): Promise<RedeemedSignInCode | null> {
    const { rows } = await this.db.query<{ account_id: string; method: SignInMethod; expires_at: Date | string }>(
      `DELETE FROM ${OIDC_SIGN_IN_CODES_TABLE} WHERE code_hash = $1 RETURNING account_id, method, expires_at`,
      [sha256Hex(code)],
    );
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return null;
    return { accountId: row.account_id, method: row.method };
  }
}
