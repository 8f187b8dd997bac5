import { AccountEventType } from '@app/identity';
import {
  ACCOUNT_CLOSED,
  ACCOUNT_ERASED,
  ACCOUNT_REINSTATED,
  ACCOUNT_SUSPENDED,
  KeyVerificationRecord,
  refusalOf,
  scopeCovers,
  standingFromNewestFirst,
} from '@app/api-keys';

const record: KeyVerificationRecord = {
  keyId: 'key-1',
  accountId: 'account-a',
  hash: 'f'.repeat(64),
  scopes: ['chat', 'models'],
  revoked: false,
  validUntilMs: null,
  createdAtMs: Date.parse('2026-01-01T00:00:00Z'),
};
const good = { suspended: false, keysRevokedAtMs: null };
const suspended = { suspended: true, keysRevokedAtMs: null };
const nowMs = Date.parse('2026-01-05T09:00:00Z');

describe('key verification rules', () => {
  it('accepts an active key for an endpoint its scopes cover', () => {
    expect(refusalOf(record, good, 'chat.completions', nowMs)).toBeNull();
    expect(refusalOf(record, good, 'models', nowMs)).toBeNull();
  });

  it('a scope covers its own endpoint and its sub-endpoints, not a name that merely starts the same', () => {
    expect(scopeCovers('chat', 'chat')).toBe(true);
    expect(scopeCovers('chat', 'chat.completions.stream')).toBe(true);
    expect(scopeCovers('chat', 'chatter')).toBe(false);
    expect(scopeCovers('chat', 'video.chat')).toBe(false);
  });

  it('denies an endpoint outside the scopes', () => {
    expect(refusalOf(record, good, 'video.generate', nowMs)).toBe('scope_denied');
  });

  it('treats revoked and expired keys as invalid, like unknown ones', () => {
    expect(refusalOf({ ...record, revoked: true }, good, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf({ ...record, validUntilMs: nowMs }, good, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf({ ...record, validUntilMs: nowMs + 1 }, good, 'chat', nowMs)).toBeNull();
  });

  it('refuses the keys of a suspended account, after the key itself was found valid', () => {
    expect(refusalOf(record, suspended, 'chat', nowMs)).toBe('account_suspended');
    expect(refusalOf({ ...record, revoked: true }, suspended, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf(record, suspended, 'video', nowMs)).toBe('account_suspended');
  });
});

describe('keys of a closed or erased account', () => {
  it('refuses every key created up to the closure as invalid_key, and keeps refusing them after a reopening', () => {
    const closed = { suspended: false, keysRevokedAtMs: Date.parse('2026-01-03T00:00:00Z') };
    expect(refusalOf(record, closed, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf({ ...record, createdAtMs: Date.parse('2026-01-04T00:00:00Z') }, closed, 'chat', nowMs)).toBeNull();
  });

  it('reads the standing from the newest events: the latest closure, and an erasure settles everything', () => {
    const at = (occurredAt: string) => ({ metadata: { occurredAt } });
    expect(
      standingFromNewestFirst([
        { type: 'account.reopened', ...at('2026-01-04T00:00:00Z') },
        { type: 'account.closed', ...at('2026-01-03T00:00:00Z') },
      ]),
    ).toEqual({ suspended: undefined, keysRevokedAtMs: Date.parse('2026-01-03T00:00:00Z') });
    expect(standingFromNewestFirst([{ type: 'account.erased', ...at('2026-01-05T00:00:00Z') }])).toEqual({
      suspended: true,
      keysRevokedAtMs: Date.parse('2026-01-05T00:00:00Z'),
    });
  });
});

describe('account standing', () => {
  it('follows the suspension events the accounts context writes', () => {
    expect([ACCOUNT_SUSPENDED, ACCOUNT_REINSTATED, ACCOUNT_CLOSED, ACCOUNT_ERASED]).toEqual([
      AccountEventType.Suspended,
      AccountEventType.Reinstated,
      AccountEventType.Closed,
      AccountEventType.Erased,
    ]);
  });
});
