import { assertNever, Decider, Occurred } from '@app/ddd';
import {
  ApiKeyAlreadyRotatedError,
  ApiKeyInactiveError,
  ApiKeyNotFoundError,
  ApiKeyRequestInvalidError,
  FieldProblem,
} from './api-key.errors';
import { ApiKeyEvent, ApiKeyEventType } from './api-key.events';
import { normaliseScopes, sameScopes } from './scopes';

export const NAME_MAX_LENGTH = 100;
/** A rotation's grace period: at most 7 days. */
export const MAX_GRACE_PERIOD_SECONDS = 604_800;

export interface ApiKey {
  readonly exists: true;
  readonly keyId: string;
  readonly accountId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly rotatedFrom: string | null;
  readonly replacedBy: string | null;
  readonly graceUntil: string | null;
  readonly revokedAt: string | null;
  readonly expiryRecorded: boolean;
}

export type ApiKeyState = { readonly exists: false } | ApiKey;

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

export interface CreateApiKey {
  readonly kind: 'CreateApiKey';
  readonly keyId: string;
  readonly accountId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date | null;
  readonly rotatedFrom: string | null;
  readonly allowedScopes: readonly string[];
  readonly now: Date;
}

/** `requestedBy` is the account asking: another account's key is "not found". */
export interface UpdateApiKey {
  readonly kind: 'UpdateApiKey';
  readonly requestedBy: string;
  readonly name?: string;
  readonly scopes?: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly now: Date;
}

export interface RevokeApiKey {
  readonly kind: 'RevokeApiKey';
  readonly requestedBy: string;
  readonly now: Date;
}

export interface RotateApiKey {
  readonly kind: 'RotateApiKey';
  readonly requestedBy: string;
  readonly newKeyId: string;
  readonly gracePeriodSeconds: number;
  readonly now: Date;
}

/** For a sweep that writes the audit trail's `expired` events; never needed for a key to stop working. */
export interface RecordApiKeyExpiry {
  readonly kind: 'RecordApiKeyExpiry';
  readonly now: Date;
}

export type ApiKeyCommand = CreateApiKey | UpdateApiKey | RevokeApiKey | RotateApiKey | RecordApiKeyExpiry;

export const initialApiKeyState: ApiKeyState = { exists: false };

/** When the key stops working on its own: its expiry or the end of a rotation's grace period, whichever is first. */
export function endOfValidity(key: Pick<ApiKey, 'expiresAt' | 'graceUntil'>): string | null {
  if (key.expiresAt === null) return key.graceUntil;
  if (key.graceUntil === null) return key.expiresAt;
  return Date.parse(key.graceUntil) < Date.parse(key.expiresAt) ? key.graceUntil : key.expiresAt;
}

/** Decided when read, from the stored instants and the clock: no sweep is needed for a key to expire. */
export function statusAt(key: Pick<ApiKey, 'revokedAt' | 'expiresAt' | 'graceUntil'>, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  const end = endOfValidity(key);
  return end !== null && Date.parse(end) <= now.getTime() ? 'expired' : 'active';
}

export function evolveApiKey(state: ApiKeyState, event: Occurred<ApiKeyEvent>): ApiKeyState {
  if (event.type === ApiKeyEventType.Created) {
    return {
      exists: true,
      keyId: event.data.keyId,
      accountId: event.data.accountId,
      name: event.data.name,
      prefix: event.data.prefix,
      hash: event.data.hash,
      scopes: event.data.scopes,
      createdAt: event.occurredAt,
      expiresAt: event.data.expiresAt,
      rotatedFrom: event.data.rotatedFrom,
      replacedBy: null,
      graceUntil: null,
      revokedAt: null,
      expiryRecorded: false,
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case ApiKeyEventType.Renamed:
      return { ...state, name: event.data.name };
    case ApiKeyEventType.ScopesChanged:
      return { ...state, scopes: event.data.scopes };
    case ApiKeyEventType.Rotated:
      return { ...state, replacedBy: event.data.replacedBy, graceUntil: event.data.graceUntil };
    case ApiKeyEventType.Revoked:
      return { ...state, revokedAt: event.occurredAt };
    case ApiKeyEventType.Expired:
      return { ...state, expiryRecorded: true };
    default:
      return assertNever(event);
  }
}

function validName(raw: string, problems: FieldProblem[]): string {
  const name = raw.trim();
  if (name.length === 0) problems.push({ field: 'name', message: 'name must not be blank' });
  else if (name.length > NAME_MAX_LENGTH) problems.push({ field: 'name', message: `name must be at most ${NAME_MAX_LENGTH} characters` });
  else if (/[\u0000-\u001f\u007f]/.test(name)) problems.push({ field: 'name', message: 'name must not contain control characters' });
  return name;
}

function scopesOrProblems(requested: readonly string[], allowed: readonly string[], problems: FieldProblem[]): readonly string[] {
  try {
    return normaliseScopes(requested, allowed);
  } catch (error) {
    if (!(error instanceof ApiKeyRequestInvalidError)) throw error;
    problems.push(...error.details);
    return requested;
  }
}

function ownedKey(state: ApiKeyState, requestedBy: string): ApiKey {
  if (!state.exists || state.accountId !== requestedBy) throw new ApiKeyNotFoundError();
  return state;
}

function activeKey(state: ApiKeyState, requestedBy: string, now: Date): ApiKey {
  const key = ownedKey(state, requestedBy);
  const status = statusAt(key, now);
  if (status !== 'active') throw new ApiKeyInactiveError(status);
  return key;
}

function create(command: CreateApiKey, state: ApiKeyState): ApiKeyEvent[] {
  if (state.exists) throw new Error(`api key ${command.keyId} already exists`);
  const problems: FieldProblem[] = [];
  const name = validName(command.name, problems);
  const scopes = scopesOrProblems(command.scopes, command.allowedScopes, problems);
  if (command.expiresAt !== null && command.expiresAt.getTime() <= command.now.getTime()) {
    problems.push({ field: 'expiresAt', message: 'expiresAt must be in the future' });
  }
  if (problems.length > 0) throw new ApiKeyRequestInvalidError(problems);
  return [
    {
      type: ApiKeyEventType.Created,
      data: {
        keyId: command.keyId,
        accountId: command.accountId,
        name,
        prefix: command.prefix,
        hash: command.hash,
        scopes,
        expiresAt: command.expiresAt?.toISOString() ?? null,
        rotatedFrom: command.rotatedFrom,
      },
    },
  ];
}

function update(command: UpdateApiKey, state: ApiKeyState): ApiKeyEvent[] {
  const key = activeKey(state, command.requestedBy, command.now);
  const problems: FieldProblem[] = [];
  const name = command.name === undefined ? undefined : validName(command.name, problems);
  const scopes = command.scopes === undefined ? undefined : scopesOrProblems(command.scopes, command.allowedScopes, problems);
  if (problems.length > 0) throw new ApiKeyRequestInvalidError(problems);
  const events: ApiKeyEvent[] = [];
  if (name !== undefined && name !== key.name) events.push({ type: ApiKeyEventType.Renamed, data: { keyId: key.keyId, name } });
  if (scopes !== undefined && !sameScopes(scopes, key.scopes)) {
    events.push({ type: ApiKeyEventType.ScopesChanged, data: { keyId: key.keyId, scopes } });
  }
  return events;
}

function revoke(command: RevokeApiKey, state: ApiKeyState): ApiKeyEvent[] {
  const key = ownedKey(state, command.requestedBy);
  if (key.revokedAt !== null) return [];
  return [{ type: ApiKeyEventType.Revoked, data: { keyId: key.keyId } }];
}

function rotate(command: RotateApiKey, state: ApiKeyState): ApiKeyEvent[] {
  const key = activeKey(state, command.requestedBy, command.now);
  if (key.replacedBy !== null) throw new ApiKeyAlreadyRotatedError(key.replacedBy);
  const grace = command.gracePeriodSeconds;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_PERIOD_SECONDS) {
    throw new ApiKeyRequestInvalidError([
      { field: 'gracePeriodSeconds', message: `gracePeriodSeconds must be a whole number from 0 to ${MAX_GRACE_PERIOD_SECONDS}` },
    ]);
  }
  // Never past the old key's own expiry (then the grace period is simply shorter).
  const requestedEnd = command.now.getTime() + grace * 1000;
  const end = key.expiresAt === null ? requestedEnd : Math.min(requestedEnd, Date.parse(key.expiresAt));
  return [
    { type: ApiKeyEventType.Rotated, data: { keyId: key.keyId, replacedBy: command.newKeyId, graceUntil: new Date(end).toISOString() } },
  ];
}

function recordExpiry(command: RecordApiKeyExpiry, state: ApiKeyState): ApiKeyEvent[] {
  if (!state.exists || state.expiryRecorded || statusAt(state, command.now) !== 'expired') return [];
  return [{ type: ApiKeyEventType.Expired, data: { keyId: state.keyId, expiredAt: endOfValidity(state)! } }];
}

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.kind) {
    case 'CreateApiKey':
      return create(command, state);
    case 'UpdateApiKey':
      return update(command, state);
    case 'RevokeApiKey':
      return revoke(command, state);
    case 'RotateApiKey':
      return rotate(command, state);
    case 'RecordApiKeyExpiry':
      return recordExpiry(command, state);
    default:
      return assertNever(command);
  }
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyState, ApiKeyEvent> = {
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};
