import { assertNever, Decider, Occurred } from '@app/ddd';
import {
  CHECK_NAMES,
  CheckName,
  CheckResult,
  LostFactor,
  RecentActivityKind,
  RecoveryEvent,
  RecoveryEventType,
} from './recovery-case.events';
import {
  AttemptsExhaustedError,
  CaseClosedError,
  EvidenceInsufficientError,
  NoCodeSentError,
  RecoveryCaseNotFoundError,
} from './recovery.errors';

/** Per check and per case; the email code counts as a check of its own. */
export const ATTEMPTS_PER_CHECK = 3;
/** How long a mailed code can be read back. */
export const EMAIL_CODE_TTL_SECONDS = 30 * 60;

/** What approval needs: by default a proven email address and two different claims that matched. */
export interface EvidenceRule {
  readonly emailOwnership: boolean;
  readonly matchingChecks: number;
}

export const defaultEvidenceRule: EvidenceRule = { emailOwnership: true, matchingChecks: 2 };

export interface CheckRecord {
  readonly attempts: number;
  readonly matched: boolean;
}

export interface RecoveryCase {
  readonly exists: true;
  readonly caseId: string;
  readonly accountId: string;
  readonly fromEmail: string;
  readonly accountEmail: string;
  readonly subject: string;
  readonly body: string;
  readonly lost: LostFactor;
  readonly senderMatchesAccount: boolean;
  readonly openedAt: string;
  readonly dueBy: string;
  readonly status: 'open' | 'approved' | 'denied';
  readonly decidedAt: string | null;
  readonly emailCode: { readonly codeId: string; readonly expiresAt: string } | null;
  readonly emailCodeAttempts: number;
  readonly emailOwnership: boolean;
  readonly checks: Readonly<Record<CheckName, CheckRecord>>;
  readonly approval: { readonly resetPassword: boolean; readonly resetMfa: boolean } | null;
  readonly denialReason: string | null;
}

export type RecoveryCaseState = { readonly exists: false } | RecoveryCase;

export interface OpenCase {
  readonly kind: 'OpenCase';
  readonly caseId: string;
  readonly accountId: string;
  readonly fromEmail: string;
  readonly accountEmail: string;
  readonly subject: string;
  readonly body: string;
  readonly lost: LostFactor;
  readonly senderMatchesAccount: boolean;
  readonly dueBy: Date;
}

export interface SendEmailCode {
  readonly kind: 'SendEmailCode';
  readonly codeId: string;
  readonly now: Date;
}

export interface CheckEmailCode {
  readonly kind: 'CheckEmailCode';
  /** Whether the code read back is the one derived from `codeId` (a pure comparison, passed in). */
  readonly matches: (codeId: string) => boolean;
  readonly now: Date;
}

export interface ComparedClaim {
  readonly check: CheckName;
  readonly kind: RecentActivityKind | null;
  readonly result: CheckResult;
}

export interface CheckClaims {
  readonly kind: 'CheckClaims';
  /** Compared with the record by the caller; the decider keeps the count and the rule. */
  readonly claims: readonly ComparedClaim[];
}

export interface ApproveCase {
  readonly kind: 'ApproveCase';
  readonly resetPassword: boolean;
  readonly resetMfa: boolean;
  readonly rule: EvidenceRule;
}

export interface DenyCase {
  readonly kind: 'DenyCase';
  readonly reason: string;
}

export type RecoveryCommand = OpenCase | SendEmailCode | CheckEmailCode | CheckClaims | ApproveCase | DenyCase;

export const initialRecoveryCaseState: RecoveryCaseState = { exists: false };

const noChecks: Record<CheckName, CheckRecord> = Object.fromEntries(
  CHECK_NAMES.map((name) => [name, { attempts: 0, matched: false }]),
) as Record<CheckName, CheckRecord>;

export function attemptsLeft(state: RecoveryCase): Record<CheckName, number> {
  return Object.fromEntries(CHECK_NAMES.map((name) => [name, Math.max(0, ATTEMPTS_PER_CHECK - state.checks[name].attempts)])) as Record<
    CheckName,
    number
  >;
}

export function matchingChecks(state: RecoveryCase): CheckName[] {
  return CHECK_NAMES.filter((name) => state.checks[name].matched);
}

/** What the evidence still lacks under `rule`; empty when approval may go ahead. */
export function missingEvidence(state: RecoveryCase, rule: EvidenceRule): string[] {
  const missing: string[] = [];
  if (rule.emailOwnership && !state.emailOwnership) missing.push('email ownership is not proven');
  const matched = matchingChecks(state).length;
  if (matched < rule.matchingChecks) missing.push(`${matched} of ${rule.matchingChecks} checks matched`);
  return missing;
}

export function isOverdue(state: RecoveryCase, now: Date): boolean {
  return state.status === 'open' && Date.parse(state.dueBy) < now.getTime();
}

export function evolveRecoveryCase(state: RecoveryCaseState, event: Occurred<RecoveryEvent>): RecoveryCaseState {
  if (event.type === RecoveryEventType.CaseOpened) {
    return {
      exists: true,
      ...event.data,
      openedAt: event.occurredAt,
      status: 'open',
      decidedAt: null,
      emailCode: null,
      emailCodeAttempts: 0,
      emailOwnership: false,
      checks: noChecks,
      approval: null,
      denialReason: null,
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case RecoveryEventType.EmailCodeSent:
      return { ...state, emailCode: { codeId: event.data.codeId, expiresAt: event.data.expiresAt } };
    case RecoveryEventType.EmailCodeChecked:
      return {
        ...state,
        emailCodeAttempts: state.emailCodeAttempts + 1,
        emailOwnership: state.emailOwnership || event.data.result === 'match',
      };
    case RecoveryEventType.ClaimChecked: {
      const before = state.checks[event.data.check];
      const after = { attempts: before.attempts + 1, matched: before.matched || event.data.result === 'match' };
      return { ...state, checks: { ...state.checks, [event.data.check]: after } };
    }
    case RecoveryEventType.CaseApproved:
      return { ...state, status: 'approved', decidedAt: event.occurredAt, approval: { ...event.data } };
    case RecoveryEventType.CaseDenied:
      return { ...state, status: 'denied', decidedAt: event.occurredAt, denialReason: event.data.reason };
    default:
      return assertNever(event);
  }
}

function openCase(state: RecoveryCaseState): RecoveryCase {
  if (!state.exists) throw new RecoveryCaseNotFoundError();
  if (state.status !== 'open') throw new CaseClosedError(state.status);
  return state;
}

export function decideRecoveryCase(command: RecoveryCommand, state: RecoveryCaseState): RecoveryEvent[] {
  switch (command.kind) {
    case 'OpenCase': {
      if (state.exists) return []; // the same case id again: a retry
      const { kind: _kind, dueBy, ...data } = command;
      return [{ type: RecoveryEventType.CaseOpened, data: { ...data, dueBy: dueBy.toISOString() } }];
    }
    case 'SendEmailCode': {
      const current = openCase(state);
      if (current.emailCodeAttempts >= ATTEMPTS_PER_CHECK) throw new AttemptsExhaustedError('emailCode');
      const expiresAt = new Date(command.now.getTime() + EMAIL_CODE_TTL_SECONDS * 1000).toISOString();
      return [{ type: RecoveryEventType.EmailCodeSent, data: { codeId: command.codeId, expiresAt } }];
    }
    case 'CheckEmailCode': {
      const current = openCase(state);
      if (!current.emailCode) throw new NoCodeSentError();
      if (current.emailCodeAttempts >= ATTEMPTS_PER_CHECK) throw new AttemptsExhaustedError('emailCode');
      const { codeId, expiresAt } = current.emailCode;
      const result: CheckResult = Date.parse(expiresAt) > command.now.getTime() && command.matches(codeId) ? 'match' : 'mismatch';
      return [{ type: RecoveryEventType.EmailCodeChecked, data: { codeId, result, attempt: current.emailCodeAttempts + 1 } }];
    }
    case 'CheckClaims': {
      const current = openCase(state);
      for (const claim of command.claims) {
        if (current.checks[claim.check].attempts >= ATTEMPTS_PER_CHECK) throw new AttemptsExhaustedError(claim.check);
      }
      return command.claims.map((claim) => ({
        type: RecoveryEventType.ClaimChecked,
        data: { check: claim.check, kind: claim.kind, result: claim.result, attempt: current.checks[claim.check].attempts + 1 },
      }));
    }
    case 'ApproveCase': {
      const current = openCase(state);
      const missing = missingEvidence(current, command.rule);
      if (missing.length > 0) throw new EvidenceInsufficientError(missing);
      return [{ type: RecoveryEventType.CaseApproved, data: { resetPassword: command.resetPassword, resetMfa: command.resetMfa } }];
    }
    case 'DenyCase':
      openCase(state);
      return [{ type: RecoveryEventType.CaseDenied, data: { reason: command.reason } }];
    default:
      return assertNever(command);
  }
}

export const recoveryCaseDecider: Decider<RecoveryCommand, RecoveryCaseState, RecoveryEvent> = {
  initialState: initialRecoveryCaseState,
  evolve: evolveRecoveryCase,
  decide: decideRecoveryCase,
};
