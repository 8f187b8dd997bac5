import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { UsedChallenge } from '../domain/mfa.decider';

/** How long a registration or sign-in challenge can be answered. */
export const CHALLENGE_SECONDS = 300;
const NONCE_BYTES = 16;
const MAC_BYTES = 16;

export type ChallengePurpose = 'registration' | 'authentication';

export interface IssuedChallenge extends UsedChallenge {
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/**
 * WebAuthn challenges without a table: 16 random bytes, the expiry, and an HMAC binding both to the
 * purpose and to what asked (the session for a registration, the sign-in for an authentication).
 * So a challenge is random, short-lived and useless to another session or sign-in; once a response to it
 * succeeded, its id is in the account's stream and it is refused again (single use).
 */
@Injectable()
export class WebauthnChallenges {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.key = deriveKey(config.jwtSecret, 'webauthn-challenge/v1');
  }

  issue(purpose: ChallengePurpose, boundTo: string, now: Date): IssuedChallenge {
    const nonce = randomBytes(NONCE_BYTES);
    const expiresAtSeconds = Math.floor(now.getTime() / 1000) + CHALLENGE_SECONDS;
    const expiry = Buffer.alloc(8);
    expiry.writeBigUInt64BE(BigInt(expiresAtSeconds));
    const bytes = Buffer.concat([nonce, expiry, this.mac(purpose, boundTo, nonce, expiry)]);
    return {
      bytes: new Uint8Array(bytes),
      challengeId: nonce.toString('base64url'),
      expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
    };
  }

  /** The challenge a client returned (base64url, from its client data), if this server made it for `boundTo` and it is still live. */
  check(encoded: string, purpose: ChallengePurpose, boundTo: string, now: Date): UsedChallenge | null {
    const bytes = Buffer.from(encoded, 'base64url');
    if (bytes.length !== NONCE_BYTES + 8 + MAC_BYTES || bytes.toString('base64url') !== encoded) return null;
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const expiry = bytes.subarray(NONCE_BYTES, NONCE_BYTES + 8);
    if (!timingSafeEqual(bytes.subarray(NONCE_BYTES + 8), this.mac(purpose, boundTo, nonce, expiry))) return null;
    const expiresAtMs = Number(expiry.readBigUInt64BE()) * 1000;
    if (expiresAtMs <= now.getTime()) return null;
    return { challengeId: nonce.toString('base64url'), expiresAt: new Date(expiresAtMs).toISOString() };
  }

  private mac(purpose: ChallengePurpose, boundTo: string, nonce: Buffer, expiry: Buffer): Buffer {
    return createHmac('sha256', this.key)
      .update(`${purpose}\u0000${boundTo}\u0000`, 'utf8')
      .update(nonce)
      .update(expiry)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
