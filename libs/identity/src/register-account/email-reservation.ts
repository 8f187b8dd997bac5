import { RequestContext, reserveUniqueValue, UniqueValueTakenError } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { AccountStates } from '../account-states';
import { readsAsErased } from '../domain/account.decider';
import { EmailTakenError } from '../domain/account.errors';

/** A reservation whose account stream never came to exist after this long was left by a crash. */
const ABANDONED_RESERVATION_SECONDS = 60;

/**
 * One account per normalised email, enforced by the store (design.md section 2): the email's
 * reservation stream, taken for `accountId` before its `account.registered` is written. Used by
 * registration and by the first social sign-in. 409 `email_taken` when another account holds it.
 *
 * An account that reads as erased (a closure past its `erasureDueAt`) holds its address no longer,
 * whether or not the erasure job has run: the reservation is taken over with the stream's exact
 * revision, so of concurrent registrations one wins, and the job's release, naming the old owner,
 * leaves the new one's reservation alone. Decided here by reading the deadline rather than by
 * erasing on demand: an anonymous request would otherwise destroy a key and blank every read model.
 */
export async function reserveAccountEmail(
  store: EventStore,
  accounts: AccountStates,
  params: { email: string; accountId: string; context: RequestContext; now: Date },
): Promise<void> {
  const { email, accountId, context, now } = params;
  try {
    await reserveUniqueValue(store, {
      kind: 'email',
      normalisedValue: email,
      ownerId: accountId,
      context,
      now,
      isAbandoned: async (ownerId, reservedAt) => {
        const owner = await accounts.load(ownerId);
        if (owner.exists) return readsAsErased(owner, now);
        return now.getTime() - reservedAt.getTime() > ABANDONED_RESERVATION_SECONDS * 1000;
      },
    });
  } catch (error) {
    if (error instanceof UniqueValueTakenError) throw new EmailTakenError();
    throw error;
  }
}
