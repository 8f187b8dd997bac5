/** Emails compare case-insensitively: trimmed and lower-cased. Passwords are never normalised. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
