/**
 * What support sees of one event in an account's recent activity. Written per event type from the
 * fields that carry no secret and no payment data; a type without a summary here gets a generic line
 * naming only its type, never its data, so a new event cannot leak through this view.
 */
export type ActivityOutcome = 'success' | 'failure' | 'locked';

export interface ActivitySummary {
  readonly kind: string;
  readonly summary: string;
  readonly outcome: ActivityOutcome | null;
}

export interface SummarisedEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string => (Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(', ') : '');
const quoted = (value: unknown): string => JSON.stringify(text(value).slice(0, 100));

const line = (kind: string, summary: string, outcome: ActivityOutcome | null = null): ActivitySummary => ({ kind, summary, outcome });

const summaries: Readonly<Record<string, (data: SummarisedEvent['data']) => ActivitySummary>> = {
  'account.registered': () => line('account', 'Account created'),
  'account.email_verified': () => line('account', 'Email address verified'),
  'account.password_changed': (data) => line('password', data.via === 'reset' ? 'Password set through a reset link' : 'Password changed'),
  'session.started': (data) =>
    line('sign_in', `Signed in (${String(data.method).startsWith('oidc') ? 'social sign-in' : 'password'})`, 'success'),
  'session.ended': (data) => line('session', `Session ended (${text(data.reason).replace(/_/g, ' ')})`),
  'account.session_started': (data) =>
    line('sign_in', `Signed in (${String(data.method).startsWith('oidc') ? 'social sign-in' : 'password'})`, 'success'),
  'account.session_ended': (data) => line('session', `Session ended (${text(data.reason).replace(/_/g, ' ')})`),
  'sign_in_guard.failure_recorded': () => line('sign_in', 'Sign-in failed', 'failure'),
  'sign_in_guard.locked': (data) => line('sign_in', `Sign-in locked until ${text(data.lockedUntil)}`, 'locked'),
  'account.sign_in_failed': () => line('sign_in', 'Sign-in failed', 'failure'),
  'account.sign_in_locked': (data) => line('sign_in', `Sign-in locked until ${text(data.lockedUntil)}`, 'locked'),
  'account.staff_roles_changed': (data) => line('staff', `Staff roles set to [${list(data.roles)}]`),
  'account.suspended': () => line('staff', 'Account suspended'),
  'account.reinstated': () => line('staff', 'Account reinstated'),
  'account.identity_linked': (data) => line('account', `Sign-in provider ${quoted(data.provider)} linked`),
  'account.identity_unlinked': (data) => line('account', `Sign-in provider ${quoted(data.provider)} unlinked`),
  'account.password_reset_requested': () => line('password', 'Password reset link requested'),
  'account.password_reset_completed': () => line('password', 'Password reset link used'),
  'uniqueness.value_reserved': (data) =>
    line(
      'account',
      data.kind === 'email' ? 'Email address reserved for the account' : `Unique ${text(data.kind)} reserved for the account`,
    ),
  'uniqueness.value_released': (data) =>
    line('account', data.kind === 'email' ? 'Email address reservation released' : `Unique ${text(data.kind)} released`),
  'api_key.created': (data) =>
    line('api_key', `API key ${quoted(data.name)} created (scopes: ${list(data.scopes)})${data.rotatedFrom ? ' by rotation' : ''}`),
  'api_key.renamed': (data) => line('api_key', `API key renamed to ${quoted(data.name)}`),
  'api_key.scopes_changed': (data) => line('api_key', `API key scopes set to ${list(data.scopes)}`),
  'api_key.rotated': (data) => line('api_key', `API key rotated (old key valid until ${text(data.graceUntil)})`),
  'api_key.revoked': () => line('api_key', 'API key revoked'),
  'api_key.expired': () => line('api_key', 'API key expired'),
  'recovery.case_opened': (data) => line('recovery', `Recovery case opened (lost: ${text(data.lost)})`),
  'recovery.email_code_sent': () => line('recovery', "Recovery code mailed to the account's address"),
  'recovery.email_code_checked': (data) => line('recovery', `Recovery code read back: ${text(data.result)}`),
  'recovery.claim_checked': (data) =>
    line('recovery', `Recovery check ${text(data.check)}${data.kind ? ` (${text(data.kind)})` : ''}: ${text(data.result)}`),
  'recovery.case_approved': (data) =>
    line(
      'recovery',
      `Recovery approved (${[data.resetPassword ? 'password reset' : '', data.resetMfa ? 'MFA reset' : ''].filter(Boolean).join(', ')})`,
    ),
  'recovery.case_denied': () => line('recovery', 'Recovery denied'),
};

/** Kinds for event types without their own summary, by the prefix of their context. */
const kindsByPrefix: readonly (readonly [string, string])[] = [
  ['account.', 'account'],
  ['api_key.', 'api_key'],
  ['mfa.', 'mfa'],
  ['billing.', 'billing'],
  ['recovery.', 'recovery'],
];

export function summariseActivity(event: SummarisedEvent): ActivitySummary {
  const specific = Object.prototype.hasOwnProperty.call(summaries, event.type) ? summaries[event.type] : undefined;
  if (specific) return specific(event.data);
  const kind = kindsByPrefix.find(([prefix]) => event.type.startsWith(prefix))?.[1] ?? 'other';
  return line(kind, `Recorded: ${event.type}`);
}
