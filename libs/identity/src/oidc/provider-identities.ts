import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, EVENT_STORE } from '@app/core';
import {
  Clock,
  CommandRunner,
  releaseUniqueValue,
  RequestContext,
  reservationStream,
  reserveUniqueValue,
  UNIQUE_VALUE_RESERVED,
  UniqueValueTakenError,
} from '@app/ddd';
import { ERASED, EventStore } from '@app/event-store';
import { accountIdentityDecider, isLinked, LinkIdentity, ProviderIdentity } from '../domain/account-identity.decider';
import { ExistingAccount, readsAsErased } from '../domain/account.decider';
import { EmailTakenError } from '../domain/account.errors';
import { AccountEventType, accountStream } from '../domain/account.events';
import { AccountExistsUnlinkedError, IdentityInUseError } from '../domain/identity.errors';
import { reserveAccountEmail } from '../register-account/email-reservation';
import { AccountStates } from '../account-states';

const IDENTITY_RESERVATION_KIND = 'oidc_identity';
/** A reservation whose owner does not list the identity after this long was left by a crash (or an unlink). */
const ABANDONED_RESERVATION_SECONDS = 60;

/** Issuer and subject together name a person at a provider; JSON keeps the pair unambiguous. */
const identityKey = (identity: Pick<ProviderIdentity, 'issuer' | 'subject'>) => JSON.stringify([identity.issuer, identity.subject]);

/**
 * Provider identities and the accounts they belong to. A provider identity (issuer + subject) belongs
 * to at most one account, enforced by the store: a reservation stream per identity
 * (`unique_oidc_identity-<sha256>`), appended with `no_stream` before `account.identity_linked` is.
 */
@Injectable()
export class ProviderIdentities {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The account the identity is linked to (its reservation's owner, when that account lists it);
   * none once that account reads as erased, so the person signs up anew.
   */
  async owner(identity: ProviderIdentity): Promise<ExistingAccount | null> {
    const [last] = await this.store.readStream(reservationStream(IDENTITY_RESERVATION_KIND, identityKey(identity)), {
      direction: 'backwards',
      maxCount: 1,
    });
    if (!last || last.type !== UNIQUE_VALUE_RESERVED || typeof last.data.ownerId !== 'string') return null;
    const account = await this.accounts.load(last.data.ownerId);
    return account.exists && isLinked(account, identity) && !readsAsErased(account, this.clock.now()) ? account : null;
  }

  /**
   * A new account without a password, from a first social sign-in: the identity's reservation, then the
   * email's, then `account.registered` (+ `account.email_verified` when the provider verified it) +
   * `account.identity_linked` in one append. Returns the new account's id.
   */
  async createAccount(identity: ProviderIdentity, email: string, context: RequestContext, now: Date): Promise<string> {
    const accountId = randomUUID();
    const asAccount: RequestContext = { ...context, actor: { kind: 'account', id: accountId } };
    await this.reserve(identity, accountId, asAccount, now);
    try {
      await reserveAccountEmail(this.store, this.accounts, { email, accountId, context: asAccount, now });
    } catch (error) {
      await this.release(identity, accountId, asAccount, now);
      // Registered by someone else since we looked: the same answer as if we had seen it.
      if (error instanceof EmailTakenError) throw new AccountExistsUnlinkedError(identity.provider);
      throw error;
    }
    await this.runner.run(
      accountStream(accountId),
      accountIdentityDecider,
      { kind: 'CreateAccountFromIdentity', accountId, identity },
      asAccount,
      { accountId, occurredAt: now },
    );
    return accountId;
  }

  /** Reserves the identity for the account, then links it; a refused link gives the reservation back. */
  async link(accountId: string, identity: ProviderIdentity, via: LinkIdentity['via'], context: RequestContext, now: Date): Promise<void> {
    await this.reserve(identity, accountId, context, now);
    try {
      await this.runner.run(accountStream(accountId), accountIdentityDecider, { kind: 'LinkIdentity', identity, via }, context, {
        accountId,
        occurredAt: now,
      });
    } catch (error) {
      await this.release(identity, accountId, context, now);
      throw error;
    }
  }

  /** `account.identity_unlinked`, then the reservation is released so the identity can be linked elsewhere. */
  async unlink(accountId: string, provider: string, context: RequestContext, now: Date): Promise<void> {
    const outcome = await this.runner.run(accountStream(accountId), accountIdentityDecider, { kind: 'UnlinkIdentity', provider }, context, {
      accountId,
      occurredAt: now,
    });
    for (const event of outcome.events) {
      if (event.type === AccountEventType.IdentityUnlinked) await this.release(event.data, accountId, context, now);
    }
  }

  /**
   * Erasure: gives back the reservation of every identity the account lists, so each can sign up anew.
   * Called before the account's data key is destroyed, since the subjects read "[erased]" after (a retry
   * of the erasure skips those); one already released or taken over (see `reserve`) is left as it is.
   */
  async releaseAll(account: ExistingAccount, context: RequestContext, now: Date): Promise<void> {
    for (const identity of account.identities) {
      if (identity.subject !== ERASED) await this.release(identity, account.accountId, context, now);
    }
  }

  private async reserve(identity: ProviderIdentity, accountId: string, context: RequestContext, now: Date): Promise<void> {
    try {
      await reserveUniqueValue(this.store, {
        kind: IDENTITY_RESERVATION_KIND,
        normalisedValue: identityKey(identity),
        ownerId: accountId,
        context,
        now,
        isAbandoned: async (ownerId, reservedAt) => {
          const owner = await this.accounts.load(ownerId);
          // Free from the deadline of a closure, as the email is (see `reserveAccountEmail`).
          if (owner.exists && readsAsErased(owner, now)) return true;
          if (now.getTime() - reservedAt.getTime() <= ABANDONED_RESERVATION_SECONDS * 1000) return false;
          return !owner.exists || !isLinked(owner, identity);
        },
      });
    } catch (error) {
      if (error instanceof UniqueValueTakenError) throw new IdentityInUseError(identity.provider);
      throw error;
    }
  }

  private release(
    identity: Pick<ProviderIdentity, 'issuer' | 'subject'>,
    accountId: string,
    context: RequestContext,
    now: Date,
  ): Promise<void> {
    return releaseUniqueValue(this.store, {
      kind: IDENTITY_RESERVATION_KIND,
      normalisedValue: identityKey(identity),
      ownerId: accountId,
      context,
      now,
    });
  }
}
