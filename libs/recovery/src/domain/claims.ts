/**
 * How a person's claim is compared with the record: the comparison says match or mismatch, and the
 * true value never leaves the service.
 */
export const sameText = (claimed: string, recorded: string): boolean => claimed.trim().toLowerCase() === recorded.trim().toLowerCase();

export function anyMatches(claimed: string, recorded: Iterable<string>): boolean {
  for (const value of recorded) if (sameText(claimed, value)) return true;
  return false;
}

/** An address as written: IPv4-mapped IPv6 (`::ffff:203.0.113.7`) counts as the IPv4 address. */
export function normaliseIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice('::ffff:'.length) : trimmed;
}

/** Within this many days a sign-in address counts as recent activity. */
export const SIGN_IN_IP_DAYS = 30;
