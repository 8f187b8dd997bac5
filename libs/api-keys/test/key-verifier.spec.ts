import { randomUUID } from 'node:crypto';
import {
  apiKeyDecider,
  apiKeyEventVersions,
  apiKeyStream,
  defaultKeyVerifierOptions,
  formatApiKey,
  issueApiKey,
  IssuedKey,
  KeyVerificationPolicies,
  KeyVerifier,
  KeyVerifierOptions,
  LastUsedBuffer,
} from '@app/api-keys';
import { PGliteDatabase, SqlDatabase } from '@app/database';
import { CommandRunner, EventCatalog, ManualClock, systemContext } from '@app/ddd';
import { EventStore, ReadStreamOptions } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';

const context = systemContext('key-verifier-spec');
const allowedScopes = ['chat', 'video', 'models'];

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = performance.now() - started;
    if (accept(value)) return { value, elapsedMs };
    if (elapsedMs > timeoutMs) throw new Error(`not within ${timeoutMs} ms: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What verify answered: the body, or the error code. */
async function outcome(verifier: KeyVerifier, key: string, endpoint = 'chat.completions'): Promise<string> {
  try {
    const verified = await verifier.verify(key, endpoint);
    return verified.valid ? 'valid' : 'invalid';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A store whose stream reads wait at a gate after reading: a cache load overtaken by a revocation. */
class GatedStore {
  gate?: Promise<void>;
  constructor(readonly inner: EventStore) {}
  asStore(): EventStore {
    const inner = this.inner;
    return new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property === 'readStream') {
          return async (stream: string, options?: ReadStreamOptions) => {
            const events = await inner.readStream(stream, options);
            if (this.gate && stream.startsWith('api_key-')) await this.gate;
            return events;
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

describe('key verifier over the event store (PGlite)', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let runner: CommandRunner;
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');
  const started: KeyVerifier[] = [];

  beforeAll(async () => {
    db = await PGliteDatabase.open();
    store = await PostgresEventStore.create(db);
    runner = new CommandRunner(
      store,
      new EventCatalog().register(apiKeyEventVersions).register({ 'account.suspended': 1, 'account.reinstated': 1 }),
    );
  });

  afterEach(async () => {
    for (const verifier of started.splice(0)) await verifier.stop();
  });

  afterAll(async () => {
    await store.close();
    await db.close();
  });

  async function verifierOn(options: Partial<KeyVerifierOptions> = {}, on: EventStore = store): Promise<KeyVerifier> {
    const verifier = new KeyVerifier(
      { store: on, clock, lastUsed: new LastUsedBuffer(db), policies: new KeyVerificationPolicies(), supportEmail: 'support@example.com' },
      { ...defaultKeyVerifierOptions, ...options },
    );
    await verifier.start();
    started.push(verifier);
    return verifier;
  }

  async function createKey(accountId: string, overrides: { expiresAt?: Date; scopes?: string[] } = {}): Promise<IssuedKey> {
    const issued = issueApiKey();
    await runner.run(
      apiKeyStream(issued.keyId),
      apiKeyDecider,
      {
        kind: 'CreateApiKey',
        keyId: issued.keyId,
        accountId,
        name: 'spec',
        prefix: issued.prefix,
        hash: issued.hash,
        scopes: overrides.scopes ?? ['chat'],
        expiresAt: overrides.expiresAt ?? null,
        rotatedFrom: null,
        allowedScopes,
        now: clock.now(),
      },
      context,
      { accountId, occurredAt: clock.now() },
    );
    return issued;
  }

  const revoke = (issued: IssuedKey, accountId: string) =>
    runner.run(apiKeyStream(issued.keyId), apiKeyDecider, { kind: 'RevokeApiKey', requestedBy: accountId, now: clock.now() }, context, {
      accountId,
      occurredAt: clock.now(),
    });

  const appendToAccount = (accountId: string, type: string) =>
    store.append(
      `account-${accountId}`,
      [
        {
          id: randomUUID(),
          type,
          schemaVersion: 1,
          data: { reason: 'spec' },
          metadata: { accountId, actor: { kind: 'staff', id: 's' }, correlationId: 'c', occurredAt: clock.now().toISOString() },
        },
      ],
      'any',
    );

  it('accepts a key it has to load, then answers from memory without waiting', async () => {
    const issued = await createKey('account-1');
    const verifier = await verifierOn();
    const first = verifier.verify(issued.key, 'chat');
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toEqual({ valid: true, accountId: 'account-1', keyId: issued.keyId, scopes: ['chat'] });
    const second = verifier.verify(issued.key, 'chat.completions');
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toMatchObject({ valid: true, keyId: issued.keyId });
  });

  it('refuses, with one answer, a malformed key, a well-formed unknown one and a real id with a wrong secret', async () => {
    const verifier = await verifierOn();
    const issued = await createKey('account-1');
    const unknown = issueApiKey();
    const otherSecret = issueApiKey().key.slice(26, 48);
    expect(await outcome(verifier, 'mmx_not-a-key')).toBe('invalid_key');
    expect(await outcome(verifier, unknown.key)).toBe('invalid_key');
    expect(await outcome(verifier, formatApiKey(issued.keyId, otherSecret))).toBe('invalid_key');
    expect(await outcome(verifier, issued.key)).toBe('valid');
  });

  it('stops accepting a key revoked elsewhere within a second, through the log', async () => {
    const verifier = await verifierOn();
    const issued = await createKey('account-1');
    expect(await outcome(verifier, issued.key)).toBe('valid');
    await revoke(issued, 'account-1');
    const { elapsedMs } = await eventually(
      () => outcome(verifier, issued.key),
      (answer) => answer === 'invalid_key',
      1_000,
    );
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('refuses the keys of an account suspended elsewhere, and accepts them again once reinstated', async () => {
    const verifier = await verifierOn();
    const issued = await createKey('account-2');
    expect(await outcome(verifier, issued.key)).toBe('valid');
    await appendToAccount('account-2', 'account.suspended');
    await eventually(
      () => outcome(verifier, issued.key),
      (answer) => answer === 'account_suspended',
      1_000,
    );
    await appendToAccount('account-2', 'account.reinstated');
    await eventually(
      () => outcome(verifier, issued.key),
      (answer) => answer === 'valid',
      1_000,
    );
  });

  it('knows a suspension written before it started, from the account stream', async () => {
    const issued = await createKey('account-3');
    await appendToAccount('account-3', 'account.suspended');
    const verifier = await verifierOn();
    expect(await outcome(verifier, issued.key)).toBe('account_suspended');
  });

  it('without any invalidation, never serves a revoked key past the age bound', async () => {
    const verifier = await verifierOn({ followLog: false, cache: { freshMs: 200, maxAgeMs: 400, maxEntries: 100 } });
    const issued = await createKey('account-1');
    expect(await outcome(verifier, issued.key)).toBe('valid');
    await revoke(issued, 'account-1');
    const { elapsedMs } = await eventually(
      () => outcome(verifier, issued.key),
      (answer) => answer === 'invalid_key',
      2_000,
    );
    expect(elapsedMs).toBeLessThan(400 + 100);
  });

  it('does not keep a load that a revocation overtook', async () => {
    const gated = new GatedStore(store);
    const verifier = await verifierOn({}, gated.asStore());
    const issued = await createKey('account-1');
    let release!: () => void;
    gated.gate = new Promise((resolve) => (release = resolve));
    const slow = outcome(verifier, issued.key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await revoke(issued, 'account-1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    gated.gate = undefined;
    release();
    expect(await slow).toBe('valid');
    expect(await outcome(verifier, issued.key)).toBe('invalid_key');
  });

  it('answers service_unavailable, rather than guess, when the store cannot be read and memory is too old', async () => {
    const issued = await createKey('account-1');
    let storeDown = false;
    const flaky = new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === 'readStream') {
          return (...args: Parameters<EventStore['readStream']>) =>
            storeDown ? Promise.reject(new Error('connection refused')) : target.readStream(...args);
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const verifier = await verifierOn({ followLog: false, cache: { freshMs: 100, maxAgeMs: 300, maxEntries: 100 } }, flaky);
    expect(await outcome(verifier, issued.key)).toBe('valid');
    storeDown = true;
    expect(await outcome(verifier, issued.key)).toBe('valid');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await outcome(verifier, issued.key)).toBe('valid');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await outcome(verifier, issued.key)).toBe('service_unavailable');
    storeDown = false;
    expect(await outcome(verifier, issued.key)).toBe('valid');
  });

  it('decides expiry at each call from the stored instant, with no event', async () => {
    const verifier = await verifierOn();
    const issued = await createKey('account-1', { expiresAt: new Date('2026-01-05T10:00:00.000Z') });
    expect(await outcome(verifier, issued.key)).toBe('valid');
    clock.set('2026-01-05T10:00:00.000Z');
    try {
      expect(await outcome(verifier, issued.key)).toBe('invalid_key');
    } finally {
      clock.set('2026-01-05T09:00:00.000Z');
    }
  });
});
