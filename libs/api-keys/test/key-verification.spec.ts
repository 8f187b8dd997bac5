import { AccountEventType } from '@app/identity';
import { ACCOUNT_REINSTATED, ACCOUNT_SUSPENDED, KeyVerificationRecord, refusalOf, scopeCovers } from '@app/api-keys';

const record: KeyVerificationRecord = {
  keyId: 'key-1',
  accountId: 'account-a',
  hash: 'f'.repeat(64),
  scopes: ['chat', 'models'],
  revoked: false,
  validUntilMs: null,
};
const nowMs = Date.parse('2026-01-05T09:00:00Z');

describe('key verification rules', () => {
  it('accepts an active key for an endpoint its scopes cover', () => {
    expect(refusalOf(record, false, 'chat.completions', nowMs)).toBeNull();
    expect(refusalOf(record, false, 'models', nowMs)).toBeNull();
  });

  it('a scope covers its own endpoint and its sub-endpoints, not a name that merely starts the same', () => {
    expect(scopeCovers('chat', 'chat')).toBe(true);
    expect(scopeCovers('chat', 'chat.completions.stream')).toBe(true);
    expect(scopeCovers('chat', 'chatter')).toBe(false);
    expect(scopeCovers('chat', 'video.chat')).toBe(false);
  });

  it('denies an endpoint outside the scopes', () => {
    expect(refusalOf(record, false, 'video.generate', nowMs)).toBe('scope_denied');
  });

  it('treats revoked and expired keys as invalid, like unknown ones', () => {
    expect(refusalOf({ ...record, revoked: true }, false, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf({ ...record, validUntilMs: nowMs }, false, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf({ ...record, validUntilMs: nowMs + 1 }, false, 'chat', nowMs)).toBeNull();
  });

  it('refuses the keys of a suspended account, after the key itself was found valid', () => {
    expect(refusalOf(record, true, 'chat', nowMs)).toBe('account_suspended');
    expect(refusalOf({ ...record, revoked: true }, true, 'chat', nowMs)).toBe('invalid_key');
    expect(refusalOf(record, true, 'video', nowMs)).toBe('account_suspended');
  });
});

describe('account standing', () => {
  it('follows the suspension events the accounts context writes', () => {
    expect([ACCOUNT_SUSPENDED, ACCOUNT_REINSTATED]).toEqual([AccountEventType.Suspended, AccountEventType.Reinstated]);
  });
});
