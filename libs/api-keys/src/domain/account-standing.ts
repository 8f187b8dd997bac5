/**
 * Suspension is decided by the accounts context, which appends these events to `account-<id>`
 * (names agreed with the sign-in work). Verification only needs the latest of them.
 */
export const ACCOUNT_SUSPENDED = 'account.suspended';
export const ACCOUNT_REINSTATED = 'account.reinstated';
/** An erased account never uses its keys again: it stands as suspended for good. */
export const ACCOUNT_ERASED = 'account.erased';
export const ACCOUNT_STANDING_EVENT_TYPES: readonly string[] = [ACCOUNT_SUSPENDED, ACCOUNT_REINSTATED, ACCOUNT_ERASED];

export function isStandingEvent(type: string): boolean {
  return type === ACCOUNT_SUSPENDED || type === ACCOUNT_REINSTATED || type === ACCOUNT_ERASED;
}

/** Given an account's events newest first, whether it is suspended now; undefined if none of them says. */
export function suspendedFromNewestFirst(events: readonly { readonly type: string }[]): boolean | undefined {
  if (events.some((event) => event.type === ACCOUNT_ERASED)) return true;
  for (const event of events) {
    if (event.type === ACCOUNT_SUSPENDED) return true;
    if (event.type === ACCOUNT_REINSTATED) return false;
  }
  return undefined;
}
