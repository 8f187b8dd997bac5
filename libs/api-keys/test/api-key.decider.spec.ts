import { apiKeyDecider, ApiKeyEvent, ApiKeyEventType, statusAt } from '@app/api-keys';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(apiKeyDecider);
const allowedScopes = ['chat', 'video', 'models'];
const now = new Date('2026-01-05T09:00:00.000Z');
const account = 'account-a';

const create = {
  kind: 'CreateApiKey',
  keyId: 'key-1',
  accountId: account,
  name: 'production-chatbot-server-1',
  prefix: 'mmx_abcdefgh',
  hash: 'f'.repeat(64),
  scopes: ['chat'],
  expiresAt: null,
  rotatedFrom: null,
  allowedScopes,
  now,
} as const;

const created: ApiKeyEvent = {
  type: ApiKeyEventType.Created,
  data: {
    keyId: 'key-1',
    accountId: account,
    name: 'production-chatbot-server-1',
    prefix: 'mmx_abcdefgh',
    hash: 'f'.repeat(64),
    scopes: ['chat'],
    expiresAt: null,
    rotatedFrom: null,
  },
};
const createdExpiring = (expiresAt: string): ApiKeyEvent => ({ ...created, data: { ...created.data, expiresAt } }) as ApiKeyEvent;
const revoked: ApiKeyEvent = { type: ApiKeyEventType.Revoked, data: { keyId: 'key-1' } };
const rotated = (graceUntil: string): ApiKeyEvent => ({
  type: ApiKeyEventType.Rotated,
  data: { keyId: 'key-1', replacedBy: 'key-2', graceUntil },
});

describe('api key decider: create', () => {
  it('creates a key with its name, scopes, hash and no expiry', () => {
    spec.given([]).when(create).then([created]);
  });

  it('trims the name and drops repeated scopes', () => {
    spec
      .given([])
      .when({ ...create, name: '  production-chatbot-server-1 ', scopes: ['chat', 'chat'] })
      .then([created]);
  });

  it('records an expiry given as an instant in the future', () => {
    spec
      .given([])
      .when({ ...create, expiresAt: new Date('2026-04-01T00:00:00Z') })
      .then([createdExpiring('2026-04-01T00:00:00.000Z')]);
  });

  it('refuses an unknown scope, naming it', () => {
    const act = spec.given([]).when({ ...create, scopes: ['chat', 'audio'] }).events;
    expect(act).toThrow(expect.objectContaining({ code: 'invalid_request', details: [expect.objectContaining({ field: 'scopes[1]' })] }));
  });

  it('refuses an empty scope list, a blank name and an expiry in the past, all at once', () => {
    const act = spec.given([]).when({ ...create, scopes: [], name: '  ', expiresAt: new Date('2026-01-05T08:59:59Z') }).events;
    expect(act).toThrow(
      expect.objectContaining({
        details: expect.arrayContaining([
          expect.objectContaining({ field: 'name' }),
          expect.objectContaining({ field: 'scopes' }),
          expect.objectContaining({ field: 'expiresAt' }),
        ]),
      }),
    );
  });

  it('refuses a name longer than 100 characters', () => {
    spec
      .given([])
      .when({ ...create, name: 'n'.repeat(101) })
      .thenThrows('invalid_request');
  });
});

describe('api key decider: update', () => {
  const update = { kind: 'UpdateApiKey', requestedBy: account, allowedScopes, now } as const;

  it('renames', () => {
    spec
      .given([created])
      .when({ ...update, name: 'staging' })
      .then([{ type: ApiKeyEventType.Renamed, data: { keyId: 'key-1', name: 'staging' } }]);
  });

  it('changes scopes and name together', () => {
    spec
      .given([created])
      .when({ ...update, name: 'staging', scopes: ['chat', 'video'] })
      .then([
        { type: ApiKeyEventType.Renamed, data: { keyId: 'key-1', name: 'staging' } },
        { type: ApiKeyEventType.ScopesChanged, data: { keyId: 'key-1', scopes: ['chat', 'video'] } },
      ]);
  });

  it('writes nothing when nothing changes', () => {
    spec
      .given([created])
      .when({ ...update, name: 'production-chatbot-server-1', scopes: ['chat'] })
      .then([]);
  });

  it('refuses an unknown scope', () => {
    spec
      .given([created])
      .when({ ...update, scopes: ['audio'] })
      .thenThrows('invalid_request');
  });

  it("answers not found for another account's key, as for a missing one", () => {
    spec
      .given([created])
      .when({ ...update, requestedBy: 'account-b', name: 'mine' })
      .thenThrows('not_found');
    spec
      .given([])
      .when({ ...update, name: 'mine' })
      .thenThrows('not_found');
  });

  it('refuses to change a revoked or an expired key', () => {
    spec
      .given([created, revoked])
      .when({ ...update, name: 'x' })
      .thenThrows('api_key_inactive');
    spec
      .given([createdExpiring('2026-01-05T08:00:00.000Z')])
      .when({ ...update, name: 'x' })
      .thenThrows('api_key_inactive');
  });
});

describe('api key decider: revoke', () => {
  const revoke = { kind: 'RevokeApiKey', requestedBy: account, now } as const;

  it('revokes an active key', () => {
    spec.given([created]).when(revoke).then([revoked]);
  });

  it('revokes a key during its rotation grace period, which stops it at once', () => {
    const state = spec.given([created, rotated('2026-01-06T09:00:00.000Z'), { ...revoked, occurredAt: '2026-01-05T10:00:00.000Z' }]).state;
    expect(statusAt(state as never, new Date('2026-01-05T10:00:01Z'))).toBe('revoked');
    spec
      .given([created, rotated('2026-01-06T09:00:00.000Z')])
      .when(revoke)
      .then([revoked]);
  });

  it('is idempotent', () => {
    spec.given([created, revoked]).when(revoke).then([]);
  });

  it("answers not found for another account's key", () => {
    spec
      .given([created])
      .when({ ...revoke, requestedBy: 'account-b' })
      .thenThrows('not_found');
  });
});

describe('api key decider: rotate', () => {
  const rotate = { kind: 'RotateApiKey', requestedBy: account, newKeyId: 'key-2', gracePeriodSeconds: 3600, now } as const;

  it('gives the old key a grace period and names its replacement', () => {
    spec
      .given([created])
      .when(rotate)
      .then([rotated('2026-01-05T10:00:00.000Z')]);
  });

  it('ends the grace period at once with 0 seconds', () => {
    spec
      .given([created])
      .when({ ...rotate, gracePeriodSeconds: 0 })
      .then([rotated('2026-01-05T09:00:00.000Z')]);
  });

  it('never extends the grace period past the key’s own expiry', () => {
    spec
      .given([createdExpiring('2026-01-05T09:30:00.000Z')])
      .when({ ...rotate, gracePeriodSeconds: 604_800 })
      .then([rotated('2026-01-05T09:30:00.000Z')]);
  });

  it('accepts at most 7 days', () => {
    spec
      .given([created])
      .when({ ...rotate, gracePeriodSeconds: 604_801 })
      .thenThrows('invalid_request');
    spec
      .given([created])
      .when({ ...rotate, gracePeriodSeconds: -1 })
      .thenThrows('invalid_request');
    spec
      .given([created])
      .when({ ...rotate, gracePeriodSeconds: 1.5 })
      .thenThrows('invalid_request');
  });

  it('refuses to rotate a key twice, a revoked key or an expired one', () => {
    spec
      .given([created, rotated('2026-01-06T09:00:00.000Z')])
      .when(rotate)
      .thenThrows('api_key_already_rotated');
    spec.given([created, revoked]).when(rotate).thenThrows('api_key_inactive');
    spec
      .given([createdExpiring('2026-01-01T00:00:00.000Z')])
      .when(rotate)
      .thenThrows('api_key_inactive');
  });
});

describe('api key status, decided at read time', () => {
  it('is active until the expiry, expired from that instant', () => {
    const state = spec.given([createdExpiring('2026-02-01T00:00:00.000Z')]).state as never;
    expect(statusAt(state, new Date('2026-01-31T23:59:59.999Z'))).toBe('active');
    expect(statusAt(state, new Date('2026-02-01T00:00:00.000Z'))).toBe('expired');
  });

  it('is active during a rotation grace period and expired after it', () => {
    const state = spec.given([created, rotated('2026-01-05T10:00:00.000Z')]).state as never;
    expect(statusAt(state, new Date('2026-01-05T09:59:59Z'))).toBe('active');
    expect(statusAt(state, new Date('2026-01-05T10:00:00Z'))).toBe('expired');
  });
});

describe('api key decider: record an expiry for the audit trail', () => {
  const record = (at: string) => ({ kind: 'RecordApiKeyExpiry', now: new Date(at) }) as const;
  const expired = (expiredAt: string): ApiKeyEvent => ({ type: ApiKeyEventType.Expired, data: { keyId: 'key-1', expiredAt } });

  it('records the instant the key stopped working, once', () => {
    const expiring = createdExpiring('2026-02-01T00:00:00.000Z');
    spec
      .given([expiring])
      .when(record('2026-02-03T00:00:00Z'))
      .then([expired('2026-02-01T00:00:00.000Z')]);
    spec
      .given([expiring, expired('2026-02-01T00:00:00.000Z')])
      .when(record('2026-02-04T00:00:00Z'))
      .then([]);
  });

  it('records the end of a grace period as the expiry of a rotated key', () => {
    spec
      .given([created, rotated('2026-01-05T10:00:00.000Z')])
      .when(record('2026-01-06T00:00:00Z'))
      .then([expired('2026-01-05T10:00:00.000Z')]);
  });

  it('records nothing for an active or a revoked key', () => {
    spec
      .given([createdExpiring('2026-02-01T00:00:00.000Z')])
      .when(record('2026-01-31T00:00:00Z'))
      .then([]);
    spec
      .given([createdExpiring('2026-02-01T00:00:00.000Z'), revoked])
      .when(record('2026-02-03T00:00:00Z'))
      .then([]);
  });

  it('records nothing for a key without expiry or rotation, nor for a key that does not exist', () => {
    spec.given([created]).when(record('2036-01-01T00:00:00Z')).then([]);
    spec.given([]).when(record('2026-02-03T00:00:00Z')).then([]);
  });
});
