import { Actor } from '@app/event-store';

/** Who asked, from where, and as part of which request: becomes the metadata of every event written. */
export interface RequestContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
}

export const systemContext = (correlationId: string, causationId?: string): RequestContext => ({
  actor: { kind: 'system', id: 'account-service' },
  correlationId,
  causationId,
});
