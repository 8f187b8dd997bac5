import { createHash, randomUUID } from 'node:crypto';
import { EventStore, WrongExpectedRevisionError } from '@app/event-store';
import { DomainError } from './domain-error';
import { RequestContext } from './request-context';

export const UNIQUE_VALUE_RESERVED = 'uniqueness.value_reserved';
export const UNIQUE_VALUE_RELEASED = 'uniqueness.value_released';
export const uniquenessEventVersions = { [UNIQUE_VALUE_RESERVED]: 1, [UNIQUE_VALUE_RELEASED]: 1 } as const;

export class UniqueValueTakenError extends DomainError<'unique_value_taken'> {
  constructor(readonly kind: string) {
    super('unique_value_taken', `This ${kind} is already in use`);
  }
}

/** Stream name of a reservation: the value is hashed so no personal data sits in stream names. */
export function reservationStream(kind: string, normalisedValue: string): string {
  return `unique_${kind}-${createHash('sha256').update(normalisedValue).digest('hex')}`;
}

function uniquenessEvent(type: string, params: { kind: string; ownerId: string; context: RequestContext; now: Date }) {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data: { kind: params.kind, ownerId: params.ownerId },
    metadata: {
      actor: params.context.actor,
      correlationId: params.context.correlationId,
      causationId: params.context.causationId,
      accountId: params.ownerId,
      occurredAt: params.now.toISOString(),
    },
  };
}

/**
 * Uniqueness across streams, enforced by the store: a reservation stream per value, appended with
 * `no_stream`. Two concurrent reservations of one value: exactly one append succeeds.
 * `isAbandoned(owner, reservedAt)` lets a reservation its owner no longer holds be taken over: one
 * whose owner never came to exist (a crash between reserving and writing the owner), or whose owner
 * gave it up without releasing it yet (an account past its erasure deadline); the takeover is appended
 * with an exact expected revision, so of concurrent takers one wins.
 */
export async function reserveUniqueValue(
  store: EventStore,
  params: {
    kind: string;
    normalisedValue: string;
    ownerId: string;
    context: RequestContext;
    now: Date;
    isAbandoned?: (ownerId: string, reservedAt: Date) => Promise<boolean>;
  },
): Promise<void> {
  const stream = reservationStream(params.kind, params.normalisedValue);
  const event = uniquenessEvent(UNIQUE_VALUE_RESERVED, params);
  try {
    await store.append(stream, [event], 'no_stream');
    return;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
  }
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  const lastOwner = last.data.ownerId as string;
  const free =
    last.type === UNIQUE_VALUE_RELEASED ||
    (params.isAbandoned !== undefined && (await params.isAbandoned(lastOwner, new Date(last.metadata.occurredAt))));
  if (last.type === UNIQUE_VALUE_RESERVED && lastOwner === params.ownerId) return;
  if (!free) throw new UniqueValueTakenError(params.kind);
  try {
    await store.append(stream, [event], last.revision);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new UniqueValueTakenError(params.kind);
    throw error;
  }
}

/**
 * Gives the value back, if `ownerId` holds it: a no-op once released, or once another owner took it
 * over (`isAbandoned`), also when that takeover lands between this read and this append.
 */
export async function releaseUniqueValue(
  store: EventStore,
  params: { kind: string; normalisedValue: string; ownerId: string; context: RequestContext; now: Date },
): Promise<void> {
  const stream = reservationStream(params.kind, params.normalisedValue);
  const heldBy = async () => {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last && last.type === UNIQUE_VALUE_RESERVED && last.data.ownerId === params.ownerId ? last : undefined;
  };
  const last = await heldBy();
  if (!last) return;
  try {
    await store.append(stream, [uniquenessEvent(UNIQUE_VALUE_RELEASED, params)], last.revision);
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError) || (await heldBy())) throw error;
  }
}
