import { RequestContext, reserveUniqueValue, UniqueValueTakenError } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { EmailTakenError } from '../domain/account.errors';
import { accountStream } from '../domain/account.events';

/** A reservation whose account stream never came to exist after this long was left by a crash. */
const ABANDONED_RESERVATION_SECONDS = 60;

/**
 * One account per normalised email, enforced by the store (design.md section 2): the email's
 * reservation stream, taken for `accountId` before its `account.registered` is written. Used by
 * registration and by the first social sign-in. 409 `email_taken` when another account holds it.
 */
export async function reserveAccountEmail(
  store: EventStore,
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
      isAbandoned: async (ownerId, reservedAt) =>
        now.getTime() - reservedAt.getTime() > ABANDONED_RESERVATION_SECONDS * 1000 &&
        (await store.readStream(accountStream(ownerId), { maxCount: 1 })).length === 0,
    });
  } catch (error) {
    if (error instanceof UniqueValueTakenError) throw new EmailTakenError();
    throw error;
  }
}
