import { defaultEvidenceRule, RecoveryEvent, RecoveryEventType, recoveryCaseDecider } from '@app/recovery';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(recoveryCaseDecider);
const now = new Date('2026-01-05T09:00:00.000Z');

const opened: RecoveryEvent = {
  type: RecoveryEventType.CaseOpened,
  data: {
    caseId: 'case-1',
    accountId: 'account-a',
    fromEmail: 'someone@elsewhere.example',
    accountEmail: 'holder@example.com',
    subject: 'Account Recovery Request',
    body: 'I lost my phone',
    lost: 'mfa',
    senderMatchesAccount: false,
    dueBy: '2026-01-07T09:00:00.000Z',
  },
};
const codeSent: RecoveryEvent = {
  type: RecoveryEventType.EmailCodeSent,
  data: { codeId: 'code-1', expiresAt: '2026-01-05T09:30:00.000Z' },
};
const codeMatched: RecoveryEvent = { type: RecoveryEventType.EmailCodeChecked, data: { codeId: 'code-1', result: 'match', attempt: 1 } };
const claim = (
  check: 'recentActivity' | 'paymentLast4' | 'accountCreatedOn',
  result: 'match' | 'mismatch',
  attempt = 1,
): RecoveryEvent => ({
  type: RecoveryEventType.ClaimChecked,
  data: { check, kind: check === 'recentActivity' ? 'sign_in_ip' : null, result, attempt },
});
const approve = { kind: 'ApproveCase', resetPassword: false, resetMfa: true, rule: defaultEvidenceRule } as const;

describe('recovery case decider', () => {
  it('approves with email ownership and two different matching claims', () => {
    spec
      .given([
        opened,
        codeSent,
        codeMatched,
        claim('recentActivity', 'mismatch'),
        claim('recentActivity', 'match', 2),
        claim('accountCreatedOn', 'match'),
      ])
      .when(approve)
      .then([{ type: RecoveryEventType.CaseApproved, data: { resetPassword: false, resetMfa: true } }]);
  });

  it('refuses approval without email ownership, or with one matching claim only', () => {
    spec
      .given([opened, claim('recentActivity', 'match'), claim('accountCreatedOn', 'match')])
      .when(approve)
      .thenThrows('evidence_insufficient');
    spec
      .given([opened, codeSent, codeMatched, claim('recentActivity', 'match'), claim('recentActivity', 'match', 2)])
      .when(approve)
      .thenThrows('evidence_insufficient');
  });

  it('counts 3 attempts per check per case, then refuses the check', () => {
    const three = [claim('paymentLast4', 'mismatch', 1), claim('paymentLast4', 'mismatch', 2), claim('paymentLast4', 'mismatch', 3)];
    spec
      .given([opened, ...three])
      .when({ kind: 'CheckClaims', claims: [{ check: 'paymentLast4', kind: null, result: 'match' }] })
      .thenThrows('attempts_exhausted');
    spec
      .given([opened, ...three.slice(0, 2)])
      .when({ kind: 'CheckClaims', claims: [{ check: 'paymentLast4', kind: null, result: 'match' }] })
      .then([claim('paymentLast4', 'match', 3)]);
  });

  it('reads an expired or wrong code back as a mismatch, and needs a code first', () => {
    spec
      .given([opened])
      .when({ kind: 'CheckEmailCode', matches: () => true, now })
      .thenThrows('no_code_sent');
    spec
      .given([opened, codeSent])
      .when({ kind: 'CheckEmailCode', matches: () => true, now: new Date('2026-01-05T09:31:00.000Z') })
      .then([{ type: RecoveryEventType.EmailCodeChecked, data: { codeId: 'code-1', result: 'mismatch', attempt: 1 } }]);
    spec
      .given([opened, codeSent])
      .when({ kind: 'CheckEmailCode', matches: (codeId) => codeId === 'code-1', now })
      .then([codeMatched]);
  });

  it('closes the case on a decision: nothing more is checked or decided', () => {
    const denied: RecoveryEvent = { type: RecoveryEventType.CaseDenied, data: { reason: 'no evidence' } };
    spec.given([opened, denied]).when({ kind: 'DenyCase', reason: 'again' }).thenThrows('case_closed');
    spec.given([opened, denied]).when({ kind: 'SendEmailCode', codeId: 'code-2', now }).thenThrows('case_closed');
    spec.given([]).when({ kind: 'DenyCase', reason: 'x' }).thenThrows('not_found');
  });
});
