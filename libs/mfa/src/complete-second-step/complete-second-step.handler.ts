import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { AccountStates } from '@app/identity';
import { SecretBox } from '@app/security';
import {
  AccountLockedError,
  secondsUntilUnlocked,
  SessionStarter,
  SessionTokensDto,
  signInGuardDecider,
  signInGuardStream,
  SignInMethod,
} from '@app/sessions';
import {
  isRefusal,
  MfaCommand,
  mfaDecider,
  MfaState,
  signInOpen,
  SignInAttempt,
  totpFactors,
  webauthnFactors,
} from '../domain/mfa.decider';
import { InvalidMfaError, MfaRequestInvalidError } from '../domain/mfa.errors';
import { SecondStepMethod, mfaStream } from '../domain/mfa.events';
import { isWellFormedRecoveryCode } from '../domain/recovery-code-format';
import { RecoveryCodes } from '../factors/recovery-codes';
import { TotpCodes } from '../factors/totp-codes';
import { parseAuthenticationResponse, WebauthnCeremonies } from '../factors/webauthn-ceremonies';
import { MfaStates } from '../mfa-states';
import { MfaTokens } from '../second-step/mfa-tokens';
import { CompleteSecondStepCommand } from './complete-second-step.command';
import { CompleteSecondStepDto } from './complete-second-step.dto';

type Evidence =
  | { readonly method: 'totp'; readonly code: string }
  | { readonly method: 'recovery_code'; readonly code: string }
  | { readonly method: 'webauthn'; readonly response: ReturnType<typeof parseAuthenticationResponse> };

/** Exactly one proof, well-formed; anything else is 400 before the token is even looked at. */
function evidenceOf(body: CompleteSecondStepDto): Evidence {
  const given = (['totpCode', 'recoveryCode', 'webauthn'] as const).filter((field) => body[field] !== undefined);
  if (given.length !== 1) {
    throw new MfaRequestInvalidError([{ field: 'body', message: 'exactly one of totpCode, recoveryCode, webauthn is required' }]);
  }
  if (body.totpCode !== undefined) return { method: 'totp', code: body.totpCode };
  if (body.recoveryCode !== undefined) {
    if (!isWellFormedRecoveryCode(body.recoveryCode)) {
      throw new MfaRequestInvalidError([{ field: 'recoveryCode', message: 'recoveryCode must be a recovery code such as 7KQM-3XHT-9WPD' }]);
    }
    return { method: 'recovery_code', code: body.recoveryCode };
  }
  return { method: 'webauthn', response: parseAuthenticationResponse(body.webauthn) };
}

/**
 * `POST /v1/auth/mfa`. Order: input (400, nothing written) -> mfaToken (401 `invalid_mfa`, nothing
 * written: forged, expired, or already spent) -> the email's lockout (423) -> the proof. A wrong proof
 * with a valid token is a failure on the email's sign-in guard stream and nowhere else (a key whose
 * counter went back also records the suspected clone). A right one is recorded in the MFA stream with
 * the sign-in it completes, the guard's failures are cleared, and the session starts.
 */
@CommandHandler(CompleteSecondStepCommand)
export class CompleteSecondStepHandler implements ICommandHandler<CompleteSecondStepCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    private readonly tokens: MfaTokens,
    private readonly totp: TotpCodes,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly ceremonies: WebauthnCeremonies,
    private readonly secretBox: SecretBox,
    private readonly accounts: AccountStates,
    private readonly sessions: SessionStarter,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, context }: CompleteSecondStepCommand): Promise<SessionTokensDto> {
    const evidence = evidenceOf(body);
    const now = this.clock.now();
    const claims = this.tokens.verify(body.mfaToken, now);
    const account = await this.accounts.load(claims.accountId);
    if (!account.exists) throw new InvalidMfaError();
    const guardStream = signInGuardStream(account.email);
    const guard = await this.runner.load(guardStream, signInGuardDecider);
    const lockedFor = secondsUntilUnlocked(guard.state, now);
    if (lockedFor > 0) throw new AccountLockedError(lockedFor);
    const state = await this.states.load(claims.accountId);
    if (!signInOpen(state, claims.signIn, now)) throw new InvalidMfaError();

    const asAccount: RequestContext = { ...context, actor: { kind: 'account', id: claims.accountId } };
    let events;
    try {
      const command = await this.commandFor(evidence, state, claims.accountId, claims.signIn, now);
      ({ events } = await this.runner.run(mfaStream(claims.accountId), mfaDecider, command, asAccount, {
        accountId: claims.accountId,
        occurredAt: now,
      }));
    } catch (error) {
      if (error instanceof InvalidMfaError) await this.recordFailure(guardStream, claims.accountId, context, now);
      throw error;
    }
    if (isRefusal(events)) {
      await this.recordFailure(guardStream, claims.accountId, context, now);
      throw new InvalidMfaError();
    }
    await this.runner.run(guardStream, signInGuardDecider, { kind: 'ClearSignInFailures', reason: 'signed_in', now }, context, {
      occurredAt: now,
    });
    return this.sessions.start(claims.accountId, claims.method as SignInMethod, context, {
      secondFactor: evidence.method satisfies SecondStepMethod,
    });
  }

  private async commandFor(evidence: Evidence, state: MfaState, accountId: string, signIn: SignInAttempt, now: Date): Promise<MfaCommand> {
    switch (evidence.method) {
      case 'totp': {
        const matches = [];
        for (const factor of totpFactors(state)) {
          matches.push({
            factorId: factor.factorId,
            steps: await this.totp.matchingSteps(this.secretBox.open(factor.sealedSecret), evidence.code, now),
          });
        }
        return { kind: 'AcceptTotpCode', signIn, matches, now };
      }
      case 'recovery_code':
        return { kind: 'UseRecoveryCode', signIn, hash: this.recoveryCodes.hash(accountId, evidence.code), now };
      case 'webauthn': {
        const verified = await this.ceremonies.verifyAssertion(evidence.response, webauthnFactors(state), signIn.signInId, now);
        return {
          kind: 'AcceptWebauthnAssertion',
          signIn,
          factorId: verified.factorId,
          counter: verified.counter,
          challenge: verified.challenge,
          now,
        };
      }
    }
  }

  private async recordFailure(guardStream: string, accountId: string, context: RequestContext, now: Date): Promise<void> {
    const policy = {
      maxFailures: this.config.loginMaxFailures,
      failureWindowSeconds: this.config.loginFailureWindowSeconds,
      lockoutSeconds: this.config.lockoutSeconds,
    };
    await this.runner.run(guardStream, signInGuardDecider, { kind: 'RecordSignInFailure', accountId, now, policy }, context, {
      occurredAt: now,
    });
  }
}
