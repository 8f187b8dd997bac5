import { assertNever, Decider, Occurred, Reauthentication, requireRecentSignIn } from '@app/ddd';
import { FactorNotFoundError, FieldProblem, InvalidMfaError, MfaNotEnabledError, MfaRequestInvalidError } from './mfa.errors';
import { MfaEvent, MfaEventType, SecondStepMethod } from './mfa.events';
import { RECOVERY_CODES_PER_SET } from './recovery-code-format';

export const NICKNAME_MAX_LENGTH = 100;
export const DEFAULT_TOTP_NICKNAME = 'Authenticator app';
/** A pending TOTP factor that nobody confirms within this long expires. */
export const PENDING_TOTP_SECONDS = 600;
/** Bounds the state of one account: confirmed factors of both kinds together. */
export const MAX_FACTORS = 20;

interface FactorBase {
  readonly factorId: string;
  readonly nickname: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface TotpFactor extends FactorBase {
  readonly type: 'totp';
  readonly sealedSecret: string;
  /** The time step of the last accepted code: that step and every earlier one are refused. */
  readonly lastStep: number;
}

export interface WebauthnFactor extends FactorBase {
  readonly type: 'webauthn';
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
}

export type Factor = TotpFactor | WebauthnFactor;

export interface PendingTotp {
  readonly factorId: string;
  readonly nickname: string;
  readonly sealedSecret: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface RecoveryCodeSet {
  readonly setId: string;
  readonly hashes: readonly string[];
  readonly used: readonly number[];
}

export interface UsedChallenge {
  readonly challengeId: string;
  readonly expiresAt: string;
}

export interface MfaState {
  /** Confirmed factors, oldest first. */
  readonly factors: readonly Factor[];
  readonly pending: readonly PendingTotp[];
  readonly recoveryCodes: RecoveryCodeSet | null;
  /** WebAuthn challenges answered successfully and not yet expired: each works once. */
  readonly usedChallenges: readonly UsedChallenge[];
  /** Sign-ins whose second step completed, until their mfaToken would have expired: each completes once. */
  readonly completedSignIns: readonly SignInAttempt[];
}

export const initialMfaState: MfaState = { factors: [], pending: [], recoveryCodes: null, usedChallenges: [], completedSignIns: [] };

/** The sign-in an mfaToken stands for: its id and the token's expiry. */
export interface SignInAttempt {
  readonly signInId: string;
  readonly expiresAt: string;
}

/** Hashes of a fresh set, prepared by the caller (the codes are shown once and never reach the domain). */
export interface NewRecoveryCodes {
  readonly setId: string;
  readonly hashes: readonly string[];
}

export interface StartTotpEnrolment {
  readonly kind: 'StartTotpEnrolment';
  readonly factorId: string;
  readonly sealedSecret: string;
  readonly nickname?: string;
  readonly reauth: Reauthentication;
  readonly now: Date;
}

/** `matchingSteps`: the steps within one of now whose code equals the one given (computed from the secret). */
export interface ConfirmTotp {
  readonly kind: 'ConfirmTotp';
  readonly factorId: string;
  readonly matchingSteps: readonly number[];
  readonly recoveryCodes: NewRecoveryCodes;
  readonly reauth: Reauthentication;
  readonly now: Date;
}

export interface RegisterWebauthn {
  readonly kind: 'RegisterWebauthn';
  readonly factorId: string;
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly nickname: string;
  readonly challenge: UsedChallenge;
  readonly recoveryCodes: NewRecoveryCodes;
  readonly reauth: Reauthentication;
  readonly now: Date;
}

export interface RemoveFactor {
  readonly kind: 'RemoveFactor';
  readonly factorId: string;
  readonly reauth: Reauthentication;
  readonly now: Date;
}

/** Support's reset after an approved recovery case: no re-authentication, the case is the authority. */
export interface ResetMfa {
  readonly kind: 'ResetMfa';
  readonly caseId: string;
}

export interface RegenerateRecoveryCodes {
  readonly kind: 'RegenerateRecoveryCodes';
  readonly recoveryCodes: NewRecoveryCodes;
  readonly reauth: Reauthentication;
  readonly now: Date;
}

/** Second step of sign-in: for each TOTP factor, the steps within one of now whose code matches. */
export interface AcceptTotpCode {
  readonly kind: 'AcceptTotpCode';
  readonly signIn: SignInAttempt;
  readonly matches: readonly { readonly factorId: string; readonly steps: readonly number[] }[];
  readonly now: Date;
}

export interface UseRecoveryCode {
  readonly kind: 'UseRecoveryCode';
  readonly signIn: SignInAttempt;
  readonly hash: string;
  readonly now: Date;
}

/** A security-key assertion whose signature, challenge, origin and RP ID were verified by the caller. */
export interface AcceptWebauthnAssertion {
  readonly kind: 'AcceptWebauthnAssertion';
  readonly signIn: SignInAttempt;
  readonly factorId: string;
  readonly counter: number;
  readonly challenge: UsedChallenge;
  readonly now: Date;
}

export type MfaCommand =
  | StartTotpEnrolment
  | ConfirmTotp
  | RegisterWebauthn
  | RemoveFactor
  | ResetMfa
  | RegenerateRecoveryCodes
  | AcceptTotpCode
  | UseRecoveryCode
  | AcceptWebauthnAssertion;

export function mfaEnabled(state: MfaState): boolean {
  return state.factors.length > 0;
}

export function recoveryCodesRemaining(state: MfaState): number {
  const set = state.recoveryCodes;
  return set === null ? 0 : set.hashes.length - set.used.length;
}

/** The methods a second step of sign-in can use: only what the account really has. */
export function secondStepMethods(state: MfaState): ('totp' | 'webauthn' | 'recovery_code')[] {
  const methods: ('totp' | 'webauthn' | 'recovery_code')[] = [];
  if (state.factors.some((factor) => factor.type === 'totp')) methods.push('totp');
  if (state.factors.some((factor) => factor.type === 'webauthn')) methods.push('webauthn');
  if (recoveryCodesRemaining(state) > 0) methods.push('recovery_code');
  return methods;
}

/** A pending factor that has not expired by `now`. */
export function pendingTotpAt(state: MfaState, factorId: string, now: Date): PendingTotp | undefined {
  return state.pending.find((pending) => pending.factorId === factorId && Date.parse(pending.expiresAt) > now.getTime());
}

export function webauthnFactors(state: MfaState): WebauthnFactor[] {
  return state.factors.filter((factor): factor is WebauthnFactor => factor.type === 'webauthn');
}

export function totpFactors(state: MfaState): TotpFactor[] {
  return state.factors.filter((factor): factor is TotpFactor => factor.type === 'totp');
}

function withFactor(state: MfaState, factorId: string, change: (factor: Factor) => Factor): MfaState {
  return { ...state, factors: state.factors.map((factor) => (factor.factorId === factorId ? change(factor) : factor)) };
}

function rememberChallenge(state: MfaState, challenge: UsedChallenge, at: string): readonly UsedChallenge[] {
  const now = Date.parse(at);
  return [...state.usedChallenges.filter((used) => Date.parse(used.expiresAt) > now), challenge];
}

export function evolveMfa(state: MfaState, event: Occurred<MfaEvent>): MfaState {
  switch (event.type) {
    case MfaEventType.TotpEnrolmentStarted: {
      const at = Date.parse(event.occurredAt);
      const pending = state.pending.filter((p) => Date.parse(p.expiresAt) > at);
      return {
        ...state,
        pending: [
          ...pending,
          {
            factorId: event.data.factorId,
            nickname: event.data.nickname,
            sealedSecret: event.data.sealedSecret,
            createdAt: event.occurredAt,
            expiresAt: event.data.expiresAt,
          },
        ],
      };
    }
    case MfaEventType.TotpConfirmed: {
      const pending = state.pending.find((p) => p.factorId === event.data.factorId);
      if (!pending) return state;
      const factor: TotpFactor = {
        type: 'totp',
        factorId: pending.factorId,
        nickname: pending.nickname,
        createdAt: event.occurredAt,
        lastUsedAt: null,
        sealedSecret: pending.sealedSecret,
        lastStep: event.data.step,
      };
      return { ...state, pending: state.pending.filter((p) => p !== pending), factors: [...state.factors, factor] };
    }
    case MfaEventType.TotpUsed:
      return withFactor(state, event.data.factorId, (factor) =>
        factor.type === 'totp' ? { ...factor, lastStep: event.data.step, lastUsedAt: event.occurredAt } : factor,
      );
    case MfaEventType.WebauthnRegistered: {
      const factor: WebauthnFactor = {
        type: 'webauthn',
        factorId: event.data.factorId,
        nickname: event.data.nickname,
        createdAt: event.occurredAt,
        lastUsedAt: null,
        credentialId: event.data.credentialId,
        publicKey: event.data.publicKey,
        counter: event.data.counter,
      };
      const challenge = { challengeId: event.data.challengeId, expiresAt: event.data.challengeExpiresAt };
      return { ...state, factors: [...state.factors, factor], usedChallenges: rememberChallenge(state, challenge, event.occurredAt) };
    }
    case MfaEventType.WebauthnUsed: {
      const challenge = { challengeId: event.data.challengeId, expiresAt: event.data.challengeExpiresAt };
      return {
        ...withFactor(state, event.data.factorId, (factor) =>
          factor.type === 'webauthn' ? { ...factor, counter: event.data.counter, lastUsedAt: event.occurredAt } : factor,
        ),
        usedChallenges: rememberChallenge(state, challenge, event.occurredAt),
      };
    }
    case MfaEventType.WebauthnCloneSuspected:
      return state;
    case MfaEventType.FactorRemoved:
      return { ...state, factors: state.factors.filter((factor) => factor.factorId !== event.data.factorId) };
    case MfaEventType.RecoveryCodesGenerated:
      return { ...state, recoveryCodes: { setId: event.data.setId, hashes: event.data.hashes, used: [] } };
    case MfaEventType.RecoveryCodeUsed: {
      const set = state.recoveryCodes;
      if (set === null || set.setId !== event.data.setId) return state;
      return { ...state, recoveryCodes: { ...set, used: [...set.used, event.data.index] } };
    }
    case MfaEventType.RecoveryCodesVoided:
      return state.recoveryCodes?.setId === event.data.setId ? { ...state, recoveryCodes: null } : state;
    case MfaEventType.Reset:
      return { ...state, factors: [], pending: [], recoveryCodes: null };
    case MfaEventType.SecondStepCompleted: {
      const at = Date.parse(event.occurredAt);
      return {
        ...state,
        completedSignIns: [
          ...state.completedSignIns.filter((signIn) => Date.parse(signIn.expiresAt) > at),
          { signInId: event.data.signInId, expiresAt: event.data.signInExpiresAt },
        ],
      };
    }
    default:
      return assertNever(event);
  }
}

function validNickname(raw: string, problems: FieldProblem[]): string {
  const nickname = raw.trim();
  if (nickname.length === 0) problems.push({ field: 'nickname', message: 'nickname must not be blank' });
  else if (nickname.length > NICKNAME_MAX_LENGTH) {
    problems.push({ field: 'nickname', message: `nickname must be at most ${NICKNAME_MAX_LENGTH} characters` });
  } else if (/[\u0000-\u001f\u007f]/.test(nickname))
    problems.push({ field: 'nickname', message: 'nickname must not contain control characters' });
  return nickname;
}

function nicknameOrThrow(raw: string): string {
  const problems: FieldProblem[] = [];
  const nickname = validNickname(raw, problems);
  if (problems.length > 0) throw new MfaRequestInvalidError(problems);
  return nickname;
}

function roomForAFactor(state: MfaState): void {
  if (state.factors.length >= MAX_FACTORS) {
    throw new MfaRequestInvalidError([{ field: 'factors', message: `at most ${MAX_FACTORS} second factors per account` }]);
  }
}

function firstFactorCodes(state: MfaState, codes: NewRecoveryCodes): MfaEvent[] {
  if (mfaEnabled(state)) return [];
  if (codes.hashes.length !== RECOVERY_CODES_PER_SET) throw new Error(`a recovery code set has ${RECOVERY_CODES_PER_SET} codes`);
  return [{ type: MfaEventType.RecoveryCodesGenerated, data: { setId: codes.setId, hashes: codes.hashes, reason: 'first_factor' } }];
}

function challengeUsable(state: MfaState, challenge: UsedChallenge, now: Date): void {
  if (Date.parse(challenge.expiresAt) <= now.getTime()) throw new InvalidMfaError();
  if (state.usedChallenges.some((used) => used.challengeId === challenge.challengeId)) throw new InvalidMfaError();
}

function startTotp(command: StartTotpEnrolment, state: MfaState): MfaEvent[] {
  requireRecentSignIn(command.reauth, command.now);
  const nickname = nicknameOrThrow(command.nickname ?? DEFAULT_TOTP_NICKNAME);
  roomForAFactor(state);
  const expiresAt = new Date(command.now.getTime() + PENDING_TOTP_SECONDS * 1000).toISOString();
  return [
    {
      type: MfaEventType.TotpEnrolmentStarted,
      data: { factorId: command.factorId, sealedSecret: command.sealedSecret, nickname, expiresAt },
    },
  ];
}

function confirmTotp(command: ConfirmTotp, state: MfaState): MfaEvent[] {
  requireRecentSignIn(command.reauth, command.now);
  if (!pendingTotpAt(state, command.factorId, command.now)) throw new FactorNotFoundError('pending TOTP factor');
  roomForAFactor(state);
  const [step] = [...command.matchingSteps].sort((a, b) => a - b);
  if (step === undefined) throw new InvalidMfaError();
  return [
    { type: MfaEventType.TotpConfirmed, data: { factorId: command.factorId, step } },
    ...firstFactorCodes(state, command.recoveryCodes),
  ];
}

function registerWebauthn(command: RegisterWebauthn, state: MfaState): MfaEvent[] {
  requireRecentSignIn(command.reauth, command.now);
  const nickname = nicknameOrThrow(command.nickname);
  roomForAFactor(state);
  challengeUsable(state, command.challenge, command.now);
  // The options exclude registered keys; a key registered anyway (an old browser) is refused, not doubled.
  if (webauthnFactors(state).some((factor) => factor.credentialId === command.credentialId)) throw new InvalidMfaError();
  return [
    {
      type: MfaEventType.WebauthnRegistered,
      data: {
        factorId: command.factorId,
        credentialId: command.credentialId,
        publicKey: command.publicKey,
        counter: command.counter,
        nickname,
        challengeId: command.challenge.challengeId,
        challengeExpiresAt: command.challenge.expiresAt,
      },
    },
    ...firstFactorCodes(state, command.recoveryCodes),
  ];
}

function removeFactor(command: RemoveFactor, state: MfaState): MfaEvent[] {
  requireRecentSignIn(command.reauth, command.now);
  const factor = state.factors.find((f) => f.factorId === command.factorId);
  if (!factor) throw new FactorNotFoundError();
  const events: MfaEvent[] = [{ type: MfaEventType.FactorRemoved, data: { factorId: factor.factorId, type: factor.type } }];
  if (state.factors.length === 1 && state.recoveryCodes !== null) {
    events.push({ type: MfaEventType.RecoveryCodesVoided, data: { setId: state.recoveryCodes.setId } });
  }
  return events;
}

/** Nothing to reset (a retried job, an account without MFA) writes nothing. */
function resetMfa(command: ResetMfa, state: MfaState): MfaEvent[] {
  if (state.factors.length === 0 && state.pending.length === 0 && state.recoveryCodes === null) return [];
  return [
    {
      type: MfaEventType.Reset,
      data: {
        caseId: command.caseId,
        factorIds: state.factors.map((factor) => factor.factorId),
        recoveryCodeSetId: state.recoveryCodes?.setId ?? null,
      },
    },
  ];
}

function regenerateCodes(command: RegenerateRecoveryCodes, state: MfaState): MfaEvent[] {
  requireRecentSignIn(command.reauth, command.now);
  if (!mfaEnabled(state)) throw new MfaNotEnabledError();
  if (command.recoveryCodes.hashes.length !== RECOVERY_CODES_PER_SET)
    throw new Error(`a recovery code set has ${RECOVERY_CODES_PER_SET} codes`);
  return [
    {
      type: MfaEventType.RecoveryCodesGenerated,
      data: { setId: command.recoveryCodes.setId, hashes: command.recoveryCodes.hashes, reason: 'regenerated' },
    },
  ];
}

/** An mfaToken works until its first success: a sign-in already completed is refused like a wrong code. */
export function signInOpen(state: MfaState, signIn: SignInAttempt, now: Date): boolean {
  return Date.parse(signIn.expiresAt) > now.getTime() && !state.completedSignIns.some((done) => done.signInId === signIn.signInId);
}

function completed(signIn: SignInAttempt, method: SecondStepMethod, factorId: string | null): MfaEvent {
  return {
    type: MfaEventType.SecondStepCompleted,
    data: { signInId: signIn.signInId, method, factorId, signInExpiresAt: signIn.expiresAt },
  };
}

function openSignIn(state: MfaState, command: { signIn: SignInAttempt; now: Date }): void {
  if (!mfaEnabled(state) || !signInOpen(state, command.signIn, command.now)) throw new InvalidMfaError();
}

function acceptTotp(command: AcceptTotpCode, state: MfaState): MfaEvent[] {
  openSignIn(state, command);
  for (const factor of totpFactors(state)) {
    const steps = command.matches.find((match) => match.factorId === factor.factorId)?.steps ?? [];
    const step = [...steps].sort((a, b) => a - b).find((candidate) => candidate > factor.lastStep);
    if (step !== undefined) {
      return [
        { type: MfaEventType.TotpUsed, data: { factorId: factor.factorId, step } },
        completed(command.signIn, 'totp', factor.factorId),
      ];
    }
  }
  throw new InvalidMfaError();
}

function useRecoveryCode(command: UseRecoveryCode, state: MfaState): MfaEvent[] {
  openSignIn(state, command);
  const set = state.recoveryCodes;
  if (set === null) throw new InvalidMfaError();
  const index = set.hashes.indexOf(command.hash);
  if (index < 0 || set.used.includes(index)) throw new InvalidMfaError();
  return [{ type: MfaEventType.RecoveryCodeUsed, data: { setId: set.setId, index } }, completed(command.signIn, 'recovery_code', null)];
}

/**
 * The counter rule: a key that keeps no counter reports 0 every time (legal); otherwise the counter must
 * move forward. Backwards (or stuck above 0) means two devices may share the key: the assertion is
 * refused and the suspicion recorded. The caller answers `invalid_mfa` when this returns that event.
 */
function acceptWebauthn(command: AcceptWebauthnAssertion, state: MfaState): MfaEvent[] {
  openSignIn(state, command);
  const factor = webauthnFactors(state).find((f) => f.factorId === command.factorId);
  if (!factor) throw new InvalidMfaError();
  challengeUsable(state, command.challenge, command.now);
  const forward = command.counter > factor.counter || (command.counter === 0 && factor.counter === 0);
  if (!forward) {
    return [
      {
        type: MfaEventType.WebauthnCloneSuspected,
        data: { factorId: factor.factorId, storedCounter: factor.counter, receivedCounter: command.counter },
      },
    ];
  }
  return [
    {
      type: MfaEventType.WebauthnUsed,
      data: {
        factorId: factor.factorId,
        counter: command.counter,
        challengeId: command.challenge.challengeId,
        challengeExpiresAt: command.challenge.expiresAt,
      },
    },
    completed(command.signIn, 'webauthn', factor.factorId),
  ];
}

export function decideMfa(command: MfaCommand, state: MfaState): MfaEvent[] {
  switch (command.kind) {
    case 'StartTotpEnrolment':
      return startTotp(command, state);
    case 'ConfirmTotp':
      return confirmTotp(command, state);
    case 'RegisterWebauthn':
      return registerWebauthn(command, state);
    case 'RemoveFactor':
      return removeFactor(command, state);
    case 'ResetMfa':
      return resetMfa(command, state);
    case 'RegenerateRecoveryCodes':
      return regenerateCodes(command, state);
    case 'AcceptTotpCode':
      return acceptTotp(command, state);
    case 'UseRecoveryCode':
      return useRecoveryCode(command, state);
    case 'AcceptWebauthnAssertion':
      return acceptWebauthn(command, state);
    default:
      return assertNever(command);
  }
}

/** True when a second-step decision recorded a refusal (a suspected clone) rather than a success. */
export function isRefusal(events: readonly MfaEvent[]): boolean {
  return events.some((event) => event.type === MfaEventType.WebauthnCloneSuspected);
}

export const mfaDecider: Decider<MfaCommand, MfaState, MfaEvent> = {
  initialState: initialMfaState,
  evolve: evolveMfa,
  decide: decideMfa,
};
