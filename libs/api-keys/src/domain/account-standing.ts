/**
 * Suspension, closure and erasure are decided by the accounts context, which appends these events to
 * `account-<id>` (names agreed with the sign-in work). Verification only needs the latest of them.
 */
export const ACCOUNT_SUSPENDED = 'account.suspended';
export const ACCOUNT_REINSTATED = 'account.reinstated';
/** An erased account never uses its keys again: it stands as suspended for good. */
export const ACCOUNT_ERASED = 'account.erased';
/** Closing revokes every key the account had: they stay revoked if it is reopened. */
export const ACCOUNT_CLOSED = 'account.closed';
export const ACCOUNT_STANDING_EVENT_TYPES: readonly string[] = [ACCOUNT_SUSPENDED, ACCOUNT_REINSTATED, ACCOUNT_ERASED, ACCOUNT_CLOSED];

export function isStandingEvent(type: string): boolean {
  return ACCOUNT_STANDING_EVENT_TYPES.includes(type);
}

/** What key verification needs of an account, from its stream. */
export interface AccountStanding {
  readonly suspended: boolean;
  /**
   * The account's latest closure or erasure (epoch ms), or null: every key created up to then is
   * refused from that instant, before (and whether or not) its `api_key.revoked` is recorded.
   */
  readonly keysRevokedAtMs: number | null;
}

export const GOOD_STANDING: AccountStanding = { suspended: false, keysRevokedAtMs: null };

/**
 * Given a page of an account's events newest first and what older pages did not settle, the standing
 * once both parts are known from this page on; undefined while older events may still decide it.
 */
export function standingFromNewestFirst(events: readonly { readonly type: string; readonly metadata: { readonly occurredAt: string } }[]): {
  readonly suspended?: boolean;
  readonly keysRevokedAtMs?: number;
} {
  let suspended: boolean | undefined;
  let keysRevokedAtMs: number | undefined;
  for (const event of events) {
    if (event.type === ACCOUNT_ERASED)
      return { suspended: true, keysRevokedAtMs: keysRevokedAtMs ?? Date.parse(event.metadata.occurredAt) };
    if (suspended === undefined && event.type === ACCOUNT_SUSPENDED) suspended = true;
    if (suspended === undefined && event.type === ACCOUNT_REINSTATED) suspended = false;
    if (keysRevokedAtMs === undefined && event.type === ACCOUNT_CLOSED) keysRevokedAtMs = Date.parse(event.metadata.occurredAt);
  }
  return { suspended, keysRevokedAtMs };
}
