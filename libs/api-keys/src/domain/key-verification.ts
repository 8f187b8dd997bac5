import { AccountStanding } from './account-standing';
import { ApiKey, endOfValidity } from './api-key.decider';
import { scopesCover } from './scopes';

/** What verification needs of a key, folded from its stream; cached in memory by each api instance. */
export interface KeyVerificationRecord {
  readonly keyId: string;
  readonly accountId: string;
  /** SHA-256 (hex) of the key. */
  readonly hash: string;
  readonly scopes: readonly string[];
  readonly revoked: boolean;
  /** Epoch milliseconds at which the key stops working on its own (expiry or end of grace), or null. */
  readonly validUntilMs: number | null;
  /** Epoch milliseconds of the key's creation (a closure revokes the keys created before it). */
  readonly createdAtMs: number;
}

export function verificationRecordOf(key: ApiKey): KeyVerificationRecord {
  const end = endOfValidity(key);
  return {
    keyId: key.keyId,
    accountId: key.accountId,
    hash: key.hash,
    scopes: key.scopes,
    revoked: key.revokedAt !== null,
    validUntilMs: end === null ? null : Date.parse(end),
    createdAtMs: Date.parse(key.createdAt),
  };
}

export type KeyRefusal = 'invalid_key' | 'account_suspended' | 'scope_denied';

/**
 * The rules of verification after the key was found and its hash matched, in order: a revoked or
 * expired key is `invalid_key` (the same answer as an unknown one), and so is a key its account's
 * closure or erasure revoked; then the account's suspension, then the scope. Expiry and grace are
 * decided here, at read time, from the stored instants.
 */
export function refusalOf(record: KeyVerificationRecord, account: AccountStanding, endpoint: string, nowMs: number): KeyRefusal | null {
  if (record.revoked) return 'invalid_key';
  if (record.validUntilMs !== null && record.validUntilMs <= nowMs) return 'invalid_key';
  if (account.keysRevokedAtMs !== null && record.createdAtMs <= account.keysRevokedAtMs) return 'invalid_key';
  if (account.suspended) return 'account_suspended';
  if (!scopesCover(record.scopes, endpoint)) return 'scope_denied';
  return null;
}

/** Endpoints are dotted lower-case names: `chat`, `chat.completions`, `models.list`. */
export const ENDPOINT_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
export const ENDPOINT_MAX_LENGTH = 200;
