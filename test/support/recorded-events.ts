import { createHash, randomUUID } from 'node:crypto';
import { Actor, RecordedEvent } from '@app/event-store';

let nextPosition = 1n;

/** Builds a RecordedEvent for projection tests, as a store would return it. */
export function recordedEvent(
  stream: string,
  revision: number,
  type: string,
  data: Record<string, unknown>,
  options: { occurredAt?: string; accountId?: string; actor?: Actor; position?: bigint; ip?: string; userAgent?: string } = {},
): RecordedEvent {
  const position = options.position ?? nextPosition++;
  return {
    id: randomUUID(),
    stream,
    revision,
    position,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      accountId: options.accountId,
      actor: options.actor ?? { kind: 'system', id: 'test' },
      correlationId: randomUUID(),
      ip: options.ip,
      userAgent: options.userAgent,
      occurredAt: options.occurredAt ?? '2026-01-05T09:00:00.000Z',
      prevHash: null,
      hash: createHash('sha256').update(`${stream}:${revision}`).digest('hex'),
    },
  };
}
