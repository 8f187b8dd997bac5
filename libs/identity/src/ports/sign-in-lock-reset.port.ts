import { RequestContext } from '@app/ddd';

/**
 * A completed password reset lifts the email's sign-in lockout, so the new password signs in at once.
 * The lockout is the sessions context's (its guard stream); it provides this port, and the reset asks
 * it after its own append (two streams, two appends: a crash between them leaves the lock to lift by
 * itself, which is safe).
 */
export abstract class SignInLockReset {
  abstract clearAfterPasswordReset(normalisedEmail: string, context: RequestContext): Promise<void>;
}
