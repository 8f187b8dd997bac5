import { Migration } from '@app/database';

export const SESSION_ACTIVITY_TABLE = 'account_session_activity';
export const REFRESH_TOKENS_TABLE = 'account_session_refresh_tokens';
export const OIDC_SIGN_IN_CODES_TABLE = 'oidc_sign_in_codes';

/**
 * Operational session state that is deliberately not in the event log: when a session was last used
 * (written at most once per activity resolution, see `activityResolutionMs`) and which refresh token generation is current (only SHA-256 hashes
 * of the tokens are stored). Session start and end are events; losing these rows only signs people out.
 */
export const sessionMigrations: readonly Migration[] = [
  {
    id: 'accounts/001-session-activity-and-refresh-tokens',
    sql: `
      CREATE TABLE ${SESSION_ACTIVITY_TABLE} (
        session_id text PRIMARY KEY,
        account_id text NOT NULL,
        last_active_at timestamptz NOT NULL,
        refresh_generation integer NOT NULL
      );
      CREATE INDEX ${SESSION_ACTIVITY_TABLE}_account ON ${SESSION_ACTIVITY_TABLE} (account_id);
      CREATE TABLE ${REFRESH_TOKENS_TABLE} (
        token_hash text PRIMARY KEY,
        session_id text NOT NULL,
        generation integer NOT NULL
      );
      CREATE INDEX ${REFRESH_TOKENS_TABLE}_session ON ${REFRESH_TOKENS_TABLE} (session_id);
    `,
  },
  {
    // The account's session epoch the session started in, so listings and sweeps skip sessions an
    // account event (password change, suspension) already ended without reading every session stream.
    id: 'sessions/002-session-account-epoch',
    sql: `ALTER TABLE ${SESSION_ACTIVITY_TABLE} ADD COLUMN account_epoch integer NOT NULL DEFAULT 0;`,
  },
  {
    // A social sign-in's one-time code (`returnTo#code=`) until the hub exchanges it: SHA-256 of the code,
    // the account and first factor it stands for, and its 60-second end. Rows live a minute at most.
    id: 'sessions/003-oidc-sign-in-codes',
    sql: `
      CREATE TABLE ${OIDC_SIGN_IN_CODES_TABLE} (
        code_hash text PRIMARY KEY,
        account_id text NOT NULL,
        method text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX ${OIDC_SIGN_IN_CODES_TABLE}_expiry ON ${OIDC_SIGN_IN_CODES_TABLE} (expires_at);
    `,
  },
];
