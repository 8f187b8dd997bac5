import { systemClock } from '@app/ddd';
import { ERASED, EventStore, RecordedEvent } from '@app/event-store';
import { AccountStates } from '../src/account-states';
import { accountStream } from '../src/domain/account.events';

const ACCOUNT = '6f1c3a52-4d8e-4b7a-9c2d-1e5f7a9b3c4d';
const OTHER = '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b';

/**
 * The account streams as the erasure seam reads them: their personal fields in clear until the key is
 * destroyed, "[erased]" after. Only the reads AccountStates makes.
 */
class AccountStreams {
  readonly streams = new Map<string, Array<Omit<RecordedEvent, 'data'> & { data: Record<string, unknown> }>>();
  keyDestroyed = new Set<string>();

  register(accountId: string, email: string): void {
    this.append(accountId, 'account.registered', { accountId, email, passwordHashSealed: null });
  }

  append(accountId: string, type: string, data: Record<string, unknown>): void {
    const events = this.streams.get(accountStream(accountId)) ?? [];
    events.push({
      id: `${accountId}-${events.length}`,
      stream: accountStream(accountId),
      revision: events.length,
      position: BigInt(events.length + 1),
      type,
      schemaVersion: 1,
      data,
      metadata: { occurredAt: '2026-12-01T10:00:00.000Z', accountId, prevHash: '', hash: '' },
    } as never);
    this.streams.set(accountStream(accountId), events);
  }

  private read(stream: string, fromRevision = 0): RecordedEvent[] {
    const accountId = stream.slice('account-'.length);
    return (this.streams.get(stream) ?? [])
      .slice(fromRevision)
      .map((event) =>
        this.keyDestroyed.has(accountId) && 'email' in event.data ? { ...event, data: { ...event.data, email: ERASED } } : event,
      ) as RecordedEvent[];
  }

  store(): EventStore {
    return {
      readStream: async (stream: string, options?: { fromRevision?: number }) => this.read(stream, options?.fromRevision),
      readStreams: async (reads: ReadonlyArray<{ stream: string; fromRevision?: number }>) =>
        reads.map((read) => this.read(read.stream, read.fromRevision)),
    } as unknown as EventStore;
  }
}

describe('AccountStates after an erasure', () => {
  const erase = (streams: AccountStreams, accountId: string) => {
    streams.append(accountId, 'account.erased', { reason: 'asked', erasedBy: 'admin' });
    streams.keyDestroyed.add(accountId);
  };

  it('folds an erased account anew, with its fields as they read now, not onto the state kept before', async () => {
    const streams = new AccountStreams();
    streams.register(ACCOUNT, 'ada@example.com');
    const accounts = new AccountStates(streams.store(), systemClock);
    expect(await accounts.load(ACCOUNT)).toMatchObject({ email: 'ada@example.com', erasedAt: null });

    erase(streams, ACCOUNT);
    expect(await accounts.load(ACCOUNT)).toMatchObject({ email: ERASED, erasedAt: '2026-12-01T10:00:00.000Z' });
    expect(await accounts.load(ACCOUNT)).toMatchObject({ email: ERASED });
  });

  it('does the same for an account read in a batch', async () => {
    const streams = new AccountStreams();
    streams.register(ACCOUNT, 'ada@example.com');
    streams.register(OTHER, 'grace@example.com');
    const accounts = new AccountStates(streams.store(), systemClock);
    await accounts.loadMany([ACCOUNT, OTHER]);

    erase(streams, ACCOUNT);
    expect(await accounts.loadMany([ACCOUNT, OTHER])).toEqual([
      expect.objectContaining({ email: ERASED }),
      expect.objectContaining({ email: 'grace@example.com' }),
    ]);
  });
});
