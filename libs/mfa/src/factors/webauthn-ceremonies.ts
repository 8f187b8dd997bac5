import { Inject, Injectable } from '@nestjs/common';
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { UsedChallenge, WebauthnFactor } from '../domain/mfa.decider';
import { InvalidMfaError, MfaRequestInvalidError } from '../domain/mfa.errors';
import { CHALLENGE_SECONDS, ChallengePurpose, WebauthnChallenges } from './webauthn-challenges';

/** The relying party's name browsers show in their dialog. */
export const RP_NAME = 'MiniMax';
/**
 * Keys with and without a PIN alike: `preferred` in the options, and user verification not required
 * when verifying (simplewebauthn 14 requires it by default, which would refuse keys without a PIN).
 */
const USER_VERIFICATION = 'preferred';

export interface VerifiedRegistration {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly challenge: UsedChallenge;
}

export interface VerifiedAssertion {
  readonly factorId: string;
  readonly counter: number;
  readonly challenge: UsedChallenge;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The shape of a credential a browser returns (`PublicKeyCredential.toJSON()`), checked before any
 * cryptography: a malformed one is 400 `invalid_request`; a well-formed one that does not verify is 401.
 */
function credentialShape(value: unknown, field: string, parts: readonly string[]): Record<string, unknown> {
  const problems: { field: string; message: string }[] = [];
  if (!isRecord(value)) throw new MfaRequestInvalidError([{ field, message: `${field} must be a WebAuthn credential object` }]);
  for (const name of ['id', 'rawId']) {
    const item = value[name];
    if (typeof item !== 'string' || item.length > 1024 || !BASE64URL.test(item)) {
      problems.push({ field: `${field}.${name}`, message: `${field}.${name} must be a base64url string` });
    }
  }
  if (value.type !== 'public-key') problems.push({ field: `${field}.type`, message: `${field}.type must be "public-key"` });
  const response = value.response;
  if (!isRecord(response)) problems.push({ field: `${field}.response`, message: `${field}.response must be an object` });
  else {
    for (const part of parts) {
      const item = response[part];
      if (typeof item !== 'string' || item.length > 65_536 || !BASE64URL.test(item)) {
        problems.push({ field: `${field}.response.${part}`, message: `${field}.response.${part} must be a base64url string` });
      }
    }
  }
  if (value.clientExtensionResults !== undefined && !isRecord(value.clientExtensionResults)) {
    problems.push({ field: `${field}.clientExtensionResults`, message: `${field}.clientExtensionResults must be an object` });
  }
  if (problems.length > 0) throw new MfaRequestInvalidError(problems);
  return value;
}

export function parseRegistrationResponse(value: unknown, field = 'response'): RegistrationResponseJSON {
  const shaped = credentialShape(value, field, ['clientDataJSON', 'attestationObject']);
  return { clientExtensionResults: {}, ...shaped } as unknown as RegistrationResponseJSON;
}

export function parseAuthenticationResponse(value: unknown, field = 'webauthn'): AuthenticationResponseJSON {
  const shaped = credentialShape(value, field, ['clientDataJSON', 'authenticatorData', 'signature']);
  return { clientExtensionResults: {}, ...shaped } as unknown as AuthenticationResponseJSON;
}

/**
 * WebAuthn ceremonies through @simplewebauthn/server 14, with RP ID and origin from WEBAUTHN_RP_ID and
 * WEBAUTHN_ORIGIN, attestation `none`, challenges from `WebauthnChallenges`. Every failure of a
 * well-formed response (signature, origin, RP ID, challenge, type) is `invalid_mfa`.
 */
@Injectable()
export class WebauthnCeremonies {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly challenges: WebauthnChallenges,
  ) {}

  registrationOptions(
    account: { accountId: string; email: string },
    existing: readonly WebauthnFactor[],
    sessionId: string,
    now: Date,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const challenge = this.challenges.issue('registration', `${account.accountId}/${sessionId}`, now);
    return generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.config.webauthnRpId,
      userName: account.email,
      userID: new TextEncoder().encode(account.accountId),
      challenge: challenge.bytes,
      timeout: CHALLENGE_SECONDS * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((factor) => ({ id: factor.credentialId })),
      authenticatorSelection: { residentKey: 'discouraged', userVerification: USER_VERIFICATION },
    });
  }

  async verifyRegistration(
    response: RegistrationResponseJSON,
    accountId: string,
    sessionId: string,
    now: Date,
  ): Promise<VerifiedRegistration> {
    const challenge = this.challengeChecker('registration', `${accountId}/${sessionId}`, now);
    try {
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.accept,
        expectedOrigin: this.config.webauthnOrigin,
        expectedRPID: this.config.webauthnRpId,
        requireUserVerification: false,
      });
      const used = challenge.used();
      if (!result.verified || used === null) throw new InvalidMfaError();
      const { credential } = result.registrationInfo;
      return {
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        challenge: used,
      };
    } catch (error) {
      if (error instanceof InvalidMfaError) throw error;
      throw new InvalidMfaError();
    }
  }

  authenticationOptions(factors: readonly WebauthnFactor[], signInId: string, now: Date): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = this.challenges.issue('authentication', signInId, now);
    return generateAuthenticationOptions({
      rpID: this.config.webauthnRpId,
      allowCredentials: factors.map((factor) => ({ id: factor.credentialId })),
      challenge: challenge.bytes,
      timeout: CHALLENGE_SECONDS * 1000,
      userVerification: USER_VERIFICATION,
    });
  }

  /**
   * Verifies signature, challenge, origin and RP ID. The signature counter is the domain's rule (a
   * backwards counter is recorded as a suspected clone, not merely refused), so the library is given 0
   * as the stored counter and the counter the key reported is returned.
   */
  async verifyAssertion(
    response: AuthenticationResponseJSON,
    factors: readonly WebauthnFactor[],
    signInId: string,
    now: Date,
  ): Promise<VerifiedAssertion> {
    const factor = factors.find((candidate) => candidate.credentialId === response.id);
    if (!factor) throw new InvalidMfaError();
    const challenge = this.challengeChecker('authentication', signInId, now);
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.accept,
        expectedOrigin: this.config.webauthnOrigin,
        expectedRPID: this.config.webauthnRpId,
        credential: { id: factor.credentialId, publicKey: new Uint8Array(Buffer.from(factor.publicKey, 'base64url')), counter: 0 },
        requireUserVerification: false,
      });
      const used = challenge.used();
      if (!result.verified || used === null) throw new InvalidMfaError();
      return { factorId: factor.factorId, counter: result.authenticationInfo.newCounter, challenge: used };
    } catch (error) {
      if (error instanceof InvalidMfaError) throw error;
      throw new InvalidMfaError();
    }
  }

  private challengeChecker(purpose: ChallengePurpose, boundTo: string, now: Date) {
    let used: UsedChallenge | null = null;
    return {
      accept: (encoded: string): boolean => {
        used = this.challenges.check(encoded, purpose, boundTo, now);
        return used !== null;
      },
      used: (): UsedChallenge | null => used,
    };
  }
}
