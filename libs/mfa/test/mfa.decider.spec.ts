import { mfaDecider, MfaEvent, MfaEventType } from '@app/mfa';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(mfaDecider);
const now = new Date('2026-03-02T09:00:00.000Z');
const reauth = { authenticatedAt: '2026-03-02T08:55:00.000Z', windowSeconds: 900 };
const codes = { setId: 'set-2', hashes: Array.from({ length: 10 }, (_, i) => `h2-${i}`) };
const challenge = { challengeId: 'c-1', expiresAt: '2026-03-02T09:05:00.000Z' };
const signIn = { signInId: 's-1', expiresAt: '2026-03-02T09:05:00.000Z' };
const completed = (method: 'totp' | 'webauthn' | 'recovery_code', factorId: string | null): MfaEvent => ({
  type: MfaEventType.SecondStepCompleted,
  data: { signInId: 's-1', method, factorId, signInExpiresAt: signIn.expiresAt },
});

const started: MfaEvent = {
  type: MfaEventType.TotpEnrolmentStarted,
  data: { factorId: 'f-1', sealedSecret: 'v1.sealed', nickname: 'Phone', expiresAt: '2026-03-02T09:10:00.000Z' },
};
const confirmed: MfaEvent = { type: MfaEventType.TotpConfirmed, data: { factorId: 'f-1', step: 100 } };
const firstCodes: MfaEvent = {
  type: MfaEventType.RecoveryCodesGenerated,
  data: { setId: 'set-1', hashes: Array.from({ length: 10 }, (_, i) => `h1-${i}`), reason: 'first_factor' },
};
const key = (counter: number): MfaEvent => ({
  type: MfaEventType.WebauthnRegistered,
  data: {
    factorId: 'k-1',
    credentialId: 'cred',
    publicKey: 'pk',
    counter,
    nickname: 'Key',
    challengeId: 'c-0',
    challengeExpiresAt: '2026-03-02T09:00:00.000Z',
  },
});

describe('MFA decider', () => {
  it('confirms a pending TOTP factor at the earliest matching step, with the first set of recovery codes', () => {
    spec
      .given([started])
      .when({ kind: 'ConfirmTotp', factorId: 'f-1', matchingSteps: [101, 100], recoveryCodes: codes, reauth, now })
      .then([confirmed, { type: MfaEventType.RecoveryCodesGenerated, data: { ...codes, reason: 'first_factor' } }]);
  });

  it('gives no new codes when a factor already exists', () => {
    const second: MfaEvent = { ...started, data: { ...started.data, factorId: 'f-2' } } as MfaEvent;
    spec
      .given([started, confirmed, firstCodes, second])
      .when({ kind: 'ConfirmTotp', factorId: 'f-2', matchingSteps: [100], recoveryCodes: codes, reauth, now })
      .then([{ type: MfaEventType.TotpConfirmed, data: { factorId: 'f-2', step: 100 } }]);
  });

  it('refuses a code that matches no step, and a pending factor that expired', () => {
    spec
      .given([started])
      .when({ kind: 'ConfirmTotp', factorId: 'f-1', matchingSteps: [], recoveryCodes: codes, reauth, now })
      .thenThrows('invalid_mfa');
    const later = new Date('2026-03-02T09:10:00.000Z');
    spec
      .given([started])
      .when({
        kind: 'ConfirmTotp',
        factorId: 'f-1',
        matchingSteps: [100],
        recoveryCodes: codes,
        reauth: { ...reauth, authenticatedAt: later.toISOString() },
        now: later,
      })
      .thenThrows('not_found');
  });

  it('accepts a TOTP code once: its step and earlier ones are refused afterwards', () => {
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'AcceptTotpCode', signIn, matches: [{ factorId: 'f-1', steps: [101] }], now })
      .then([{ type: MfaEventType.TotpUsed, data: { factorId: 'f-1', step: 101 } }, completed('totp', 'f-1')]);
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'AcceptTotpCode', signIn, matches: [{ factorId: 'f-1', steps: [100] }], now })
      .thenThrows('invalid_mfa');
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'AcceptTotpCode', signIn, matches: [{ factorId: 'f-1', steps: [99] }], now })
      .thenThrows('invalid_mfa');
  });

  it('uses a recovery code once', () => {
    const used: MfaEvent = { type: MfaEventType.RecoveryCodeUsed, data: { setId: 'set-1', index: 3 } };
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'UseRecoveryCode', signIn, hash: 'h1-3', now })
      .then([used, completed('recovery_code', null)]);
    spec
      .given([started, confirmed, firstCodes, used])
      .when({ kind: 'UseRecoveryCode', signIn, hash: 'h1-3', now })
      .thenThrows('invalid_mfa');
  });

  it('voids the old set on regeneration', () => {
    const regenerated: MfaEvent = { type: MfaEventType.RecoveryCodesGenerated, data: { ...codes, reason: 'regenerated' } };
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'RegenerateRecoveryCodes', recoveryCodes: codes, reauth, now })
      .then([regenerated]);
    spec
      .given([started, confirmed, firstCodes, regenerated])
      .when({ kind: 'UseRecoveryCode', signIn, hash: 'h1-0', now })
      .thenThrows('invalid_mfa');
  });

  it('turns MFA off and voids the codes when the last factor goes', () => {
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'RemoveFactor', factorId: 'f-1', reauth, now })
      .then([
        { type: MfaEventType.FactorRemoved, data: { factorId: 'f-1', type: 'totp' } },
        { type: MfaEventType.RecoveryCodesVoided, data: { setId: 'set-1' } },
      ]);
  });

  it('resets MFA for an approved recovery case in one event, and a second reset writes nothing', () => {
    const reset: MfaEvent = { type: MfaEventType.Reset, data: { caseId: 'case-1', factorIds: ['f-1', 'k-1'], recoveryCodeSetId: 'set-1' } };
    const pendingSecond: MfaEvent = { ...started, data: { ...started.data, factorId: 'f-2' } } as MfaEvent;
    spec
      .given([started, confirmed, firstCodes, key(0), pendingSecond])
      .when({ kind: 'ResetMfa', caseId: 'case-1' })
      .then([reset]);
    spec
      .given([started, confirmed, firstCodes, key(0), pendingSecond, reset])
      .when({ kind: 'ResetMfa', caseId: 'case-1' })
      .then([]);
    // After the reset, the old pending enrolment is gone and the old recovery codes do not work.
    spec
      .given([started, confirmed, firstCodes, key(0), pendingSecond, reset])
      .when({ kind: 'ConfirmTotp', factorId: 'f-2', matchingSteps: [100], recoveryCodes: codes, reauth, now })
      .thenThrows('not_found');
    spec
      .given([started, confirmed, firstCodes, key(0), pendingSecond, reset])
      .when({ kind: 'UseRecoveryCode', signIn, hash: 'h1-0', now })
      .thenThrows('invalid_mfa');
  });

  it('refuses every change outside the re-authentication window', () => {
    const stale = { authenticatedAt: '2026-03-02T08:44:59.000Z', windowSeconds: 900 };
    spec
      .given([])
      .when({ kind: 'StartTotpEnrolment', factorId: 'f-1', sealedSecret: 's', reauth: stale, now })
      .thenThrows('reauthentication_required');
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'RemoveFactor', factorId: 'f-1', reauth: stale, now })
      .thenThrows('reauthentication_required');
    spec
      .given([started, confirmed, firstCodes])
      .when({ kind: 'RegenerateRecoveryCodes', recoveryCodes: codes, reauth: stale, now })
      .thenThrows('reauthentication_required');
  });

  describe('the signature counter', () => {
    const assertion = (counter: number) => ({ kind: 'AcceptWebauthnAssertion', signIn, factorId: 'k-1', counter, challenge, now }) as const;
    const used = (counter: number): MfaEvent => ({
      type: MfaEventType.WebauthnUsed,
      data: { factorId: 'k-1', counter, challengeId: 'c-1', challengeExpiresAt: challenge.expiresAt },
    });

    it('accepts 0 then 0 (a key without a counter) and a counter that moves forward', () => {
      spec
        .given([key(0)])
        .when(assertion(0))
        .then([used(0), completed('webauthn', 'k-1')]);
      spec
        .given([key(5)])
        .when(assertion(6))
        .then([used(6), completed('webauthn', 'k-1')]);
    });

    it('records a possible clone for a counter that stays or goes backwards', () => {
      const clone = (stored: number, received: number): MfaEvent => ({
        type: MfaEventType.WebauthnCloneSuspected,
        data: { factorId: 'k-1', storedCounter: stored, receivedCounter: received },
      });
      spec
        .given([key(5)])
        .when(assertion(4))
        .then([clone(5, 4)]);
      spec
        .given([key(5)])
        .when(assertion(5))
        .then([clone(5, 5)]);
      spec
        .given([key(5)])
        .when(assertion(0))
        .then([clone(5, 0)]);
    });

    it('refuses a challenge that was already answered', () => {
      spec
        .given([key(0), used(1)])
        .when({ ...assertion(2), signIn: { ...signIn, signInId: 's-2' } })
        .thenThrows('invalid_mfa');
    });
  });

  describe('the mfaToken', () => {
    const history = [
      started,
      confirmed,
      firstCodes,
      { type: MfaEventType.TotpUsed, data: { factorId: 'f-1', step: 101 } },
      completed('totp', 'f-1'),
    ] as MfaEvent[];

    it('completes its sign-in once: any method after a success is refused', () => {
      spec
        .given(history)
        .when({ kind: 'AcceptTotpCode', signIn, matches: [{ factorId: 'f-1', steps: [102] }], now })
        .thenThrows('invalid_mfa');
      spec.given(history).when({ kind: 'UseRecoveryCode', signIn, hash: 'h1-0', now }).thenThrows('invalid_mfa');
    });

    it('does not stand in the way of the next sign-in', () => {
      const next = { signInId: 's-2', expiresAt: signIn.expiresAt };
      spec
        .given(history)
        .when({ kind: 'UseRecoveryCode', signIn: next, hash: 'h1-0', now })
        .then([
          { type: MfaEventType.RecoveryCodeUsed, data: { setId: 'set-1', index: 0 } },
          {
            type: MfaEventType.SecondStepCompleted,
            data: { signInId: 's-2', method: 'recovery_code', factorId: null, signInExpiresAt: signIn.expiresAt },
          },
        ]);
    });

    it('is refused once expired, and on an account without factors', () => {
      const expired = { signInId: 's-1', expiresAt: now.toISOString() };
      spec
        .given([started, confirmed, firstCodes])
        .when({ kind: 'UseRecoveryCode', signIn: expired, hash: 'h1-0', now })
        .thenThrows('invalid_mfa');
      spec.given([]).when({ kind: 'AcceptTotpCode', signIn, matches: [], now }).thenThrows('invalid_mfa');
    });
  });
});
