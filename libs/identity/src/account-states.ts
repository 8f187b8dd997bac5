import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, EVENT_STORE } from '@app/core';
import { Clock, fold, Occurred, reservationStream, toDomainEvent, UNIQUE_VALUE_RESERVED } from '@app/ddd';
import { EventStore, RecordedEvent } from '@app/event-store';
import { AccountState, evolveAccount, ExistingAccount, initialAccountState, readsAsErased } from './domain/account.decider';
import { AccountEvent, accountStream } from './domain/account.events';

const MAX_CACHED_ACCOUNTS = 10_000;
const erased = (state: AccountState): boolean => state.exists && state.erasedAt !== null;

/** An account id no account has (ids are random v4 UUIDs). */
const NO_SUCH_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/**
 * Account state for reads that must be consistent (every authenticated request, sign-in): folded from
 * the account's stream, with the folded state kept in memory and only the events after it read again.
 * Always asks the store for the tail, so another process's writes are seen at once.
 */
@Injectable()
export class AccountStates {
  private readonly cache = new Map<string, { state: AccountState; revision: number }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load(accountId: string): Promise<AccountState> {
    const cached = this.cache.get(accountId);
    const fromRevision = cached ? cached.revision + 1 : 0;
    const events = await this.store.readStream(accountStream(accountId), fromRevision > 0 ? { fromRevision } : undefined);
    const state = this.folded(accountId, cached, events);
    // Folded onto a state kept from before its erasure, the account would still show the personal fields
    // as they read then (its email in clear, until the cache let it go): folded anew, they read as erased.
    return cached && erased(state) ? this.load(accountId) : state;
  }

  /** `load` for several accounts, in one read where the store batches reads (usage batches name many). */
  async loadMany(accountIds: readonly string[]): Promise<AccountState[]> {
    if (!this.store.readStreams || accountIds.length < 2) return Promise.all(accountIds.map((accountId) => this.load(accountId)));
    const cached = accountIds.map((accountId) => this.cache.get(accountId));
    const read = await this.store.readStreams(
      accountIds.map((accountId, index) => ({ stream: accountStream(accountId), fromRevision: (cached[index]?.revision ?? -1) + 1 })),
    );
    const states = accountIds.map((accountId, index) => this.folded(accountId, cached[index], read[index]));
    return Promise.all(states.map((state, index) => (cached[index] && erased(state) ? this.load(accountIds[index]) : state)));
  }

  private folded(
    accountId: string,
    cached: { state: AccountState; revision: number } | undefined,
    events: readonly RecordedEvent[],
  ): AccountState {
    if (events.length === 0 && cached) return this.remember(accountId, cached);
    if (events.length === 0) return initialAccountState;
    const state = fold(evolveAccount, cached?.state ?? initialAccountState, events.map(toDomainEvent) as Occurred<AccountEvent>[]);
    return this.remember(accountId, { state, revision: events[events.length - 1].revision });
  }

  /**
   * The account that holds a normalised email, through the store-enforced reservation of that email;
   * none once it reads as erased (a closure past its grace period, before the erasure job ran too).
   */
  async findByEmail(normalisedEmail: string): Promise<ExistingAccount | null> {
    const ownerId = await this.reservedEmailOwner(normalisedEmail);
    if (ownerId === null) {
      // The read a known email costs (the tail of its account's stream, usually empty), so that how long
      // a sign-in or reset request takes does not tell whether the email has an account: without it the
      // unknown email answered about 2 ms sooner on the embedded default (medians of 32, BCRYPT_COST=4).
      await this.store.readStream(accountStream(NO_SUCH_ACCOUNT), { fromRevision: 1 });
      return null;
    }
    const state = await this.load(ownerId);
    return state.exists && state.email === normalisedEmail && !readsAsErased(state, this.clock.now()) ? state : null;
  }

  /**
   * The account id the email's reservation names, without loading that account: the caller must check
   * that the account exists and still has this email (the reservation may be abandoned or stale).
   */
  async reservedEmailOwner(normalisedEmail: string): Promise<string | null> {
    const [last] = await this.store.readStream(reservationStream('email', normalisedEmail), { direction: 'backwards', maxCount: 1 });
    if (!last || typeof last.data.ownerId !== 'string' || last.type !== UNIQUE_VALUE_RESERVED) return null;
    return last.data.ownerId;
  }

  private remember(accountId: string, entry: { state: AccountState; revision: number }): AccountState {
    this.cache.delete(accountId);
    // An erased account is not kept: its state is what it read at erasure, and it is rarely read again.
    if (erased(entry.state)) return entry.state;
    this.cache.set(accountId, entry);
    if (this.cache.size > MAX_CACHED_ACCOUNTS) this.cache.delete(this.cache.keys().next().value as string);
    return entry.state;
  }
}
