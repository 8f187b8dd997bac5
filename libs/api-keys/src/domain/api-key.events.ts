import { DomainEvent, EventDeclarations, versionsOf } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const ApiKeyEventType = {
  Created: 'api_key.created',
  Renamed: 'api_key.renamed',
  ScopesChanged: 'api_key.scopes_changed',
  Rotated: 'api_key.rotated',
  Revoked: 'api_key.revoked',
  Expired: 'api_key.expired',
} as const;

export type ApiKeyEventTypeName = (typeof ApiKeyEventType)[keyof typeof ApiKeyEventType];

/** Part of the context's declaration (`apiKeysContext`). */
export const apiKeyEvents: EventDeclarations<ApiKeyEventTypeName> = {
  [ApiKeyEventType.Created]: { version: 1, personal: ['name'] },
  [ApiKeyEventType.Renamed]: { version: 1, personal: ['name'] },
  [ApiKeyEventType.ScopesChanged]: { version: 1 },
  [ApiKeyEventType.Rotated]: { version: 1 },
  [ApiKeyEventType.Revoked]: { version: 1 },
  [ApiKeyEventType.Expired]: { version: 1 },
};

export const apiKeyEventVersions: Readonly<Record<string, number>> = versionsOf(apiKeyEvents);

/** Every event type of this context starts with this (log subscriptions filter on it). */
export const API_KEY_EVENT_PREFIX = 'api_key.';

export type ApiKeyCreated = DomainEvent<
  typeof ApiKeyEventType.Created,
  {
    readonly keyId: string;
    readonly accountId: string;
    readonly name: string;
    /** The start of the key, shown in listings for recognition; carries no secret material. */
    readonly prefix: string;
    /** SHA-256 (hex) of the full key. The key itself is never stored. */
    readonly hash: string;
    readonly scopes: readonly string[];
    readonly expiresAt: string | null;
    /** The key this one replaces, when it was issued by a rotation. */
    readonly rotatedFrom: string | null;
  }
>;

export type ApiKeyRenamed = DomainEvent<typeof ApiKeyEventType.Renamed, { readonly keyId: string; readonly name: string }>;

export type ApiKeyScopesChanged = DomainEvent<
  typeof ApiKeyEventType.ScopesChanged,
  { readonly keyId: string; readonly scopes: readonly string[] }
>;

/** The key was replaced by `replacedBy`; it keeps working until `graceUntil`, then stops. */
export type ApiKeyRotated = DomainEvent<
  typeof ApiKeyEventType.Rotated,
  { readonly keyId: string; readonly replacedBy: string; readonly graceUntil: string }
>;

export type ApiKeyRevoked = DomainEvent<typeof ApiKeyEventType.Revoked, { readonly keyId: string }>;

/**
 * Audit trail only: a key stops working at its expiry (or the end of a rotation's grace period) whether
 * or not this event was written. `expiredAt` is that instant, not the time the sweep noticed it.
 */
export type ApiKeyExpired = DomainEvent<typeof ApiKeyEventType.Expired, { readonly keyId: string; readonly expiredAt: string }>;

export type ApiKeyEvent = ApiKeyCreated | ApiKeyRenamed | ApiKeyScopesChanged | ApiKeyRotated | ApiKeyRevoked | ApiKeyExpired;

/** One stream per key; the owning account is in every event's metadata (`accountId`) and in `created`. */
export const apiKeyStream = (keyId: string): string => `api_key-${keyId}`;
