import { ApiError } from './api';

const WEAK_PASSWORD_RULES: Record<string, string> = {
  too_short: 'at least 12 characters',
  too_long: 'fewer characters',
  no_uppercase: 'an uppercase letter',
  no_lowercase: 'a lowercase letter',
  no_digit: 'a digit',
  no_special: 'a special character such as ! or #',
  contains_email: 'not to contain your email address',
  dictionary_word: 'no common dictionary words',
};

function minutes(seconds: unknown): string {
  const value = Math.max(1, Math.ceil(Number(seconds) / 60));
  return `${value} minute${value === 1 ? '' : 's'}`;
}

/** What an API refusal means for the person in front of the page, in plain words. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof TypeError
      ? 'The service could not be reached. Check your connection and try again.'
      : 'Something went wrong in this page. Reload it and try again.';
  }
  switch (error.code) {
    case 'invalid_credentials':
      return 'Invalid email or password. Passwords are case-sensitive; email addresses are not.';
    case 'account_locked':
      return `Too many failed sign-in attempts. Try again in ${minutes(error.extra.retryAfter ?? 900)}.`;
    case 'account_suspended':
      return error.message || 'This account is suspended. Contact support to restore access.';
    case 'invalid_mfa':
      return 'That code was not accepted. Check the time on your device and enter the current code.';
    case 'weak_password': {
      const violations = Array.isArray(error.extra.violations) ? (error.extra.violations as string[]) : [];
      const words = violations.map((code) => WEAK_PASSWORD_RULES[code] ?? code.replace(/_/g, ' '));
      return words.length > 0 ? `Choose a stronger password: it needs ${words.join(', ')}.` : error.message;
    }
    case 'email_taken':
      return 'An account with this email already exists. Sign in, or use Forgot Password.';
    case 'invalid_token':
      return error.message.includes('sign-in code')
        ? 'This sign-in took too long or was already completed. Sign in again.'
        : 'This link has expired or was already used. Links are valid for 15 minutes and work once; ask for a new one.';
    case 'invalid_oidc_state':
      return 'This sign-in attempt expired or was started in another browser. Start again from the sign-in page.';
    case 'invalid_oidc_response':
      return 'The sign-in provider did not confirm who you are (perhaps the request was declined there). Try again.';
    case 'oidc_provider_unavailable':
      return 'The sign-in provider cannot be reached right now. Try again later, or sign in with your password.';
    case 'oidc_email_missing':
      return 'The sign-in provider did not share an email address. Allow it to share your email, or sign up with a password.';
    case 'account_exists_unlinked':
      return 'An account with this email already exists. Sign in with your password, then link this provider in Account Settings.';
    case 'identity_in_use':
      return 'This provider account is already linked to another account here.';
    case 'invalid_current_password':
      return 'Your current password is not correct.';
    case 'reauthentication_required':
      return 'For your security, this change needs a recent sign-in. Sign out, sign in again, and retry.';
    case 'unauthorized':
      return 'Your session has ended. Sign in again.';
    case 'forbidden':
      return 'Your account does not have access to this.';
    case 'not_found':
      return 'That was not found. It may have been removed, or the identifier is wrong.';
    case 'plan_required':
      return 'This needs a Professional or Enterprise plan. Change your plan in Billing first.';
    case 'plan_in_use':
      return error.message;
    case 'rate_limited':
      return 'Too many requests in a short time. Wait a minute and try again.';
    case 'evidence_insufficient':
      return 'Not enough of the checks matched to approve this recovery. Gather more evidence or deny the case.';
    case 'period_closed':
      return 'That billing period is already closed.';
    case 'payload_too_large':
      return 'What you sent is too large.';
    case 'service_unavailable':
      return 'The service is briefly unavailable. Try again in a moment.';
    case 'conflict':
      return 'Someone else changed this at the same moment. Try again.';
    case 'invalid_request': {
      const fields = error.details.map((detail) => `${detail.field}: ${detail.message}`);
      return fields.length > 0 ? `Please check what you entered. ${fields.join('; ')}.` : 'Please check what you entered.';
    }
    default:
      return error.status >= 500 ? 'The service had a problem. Try again in a moment.' : error.message || 'The request was refused.';
  }
}
