import { Injectable } from '@nestjs/common';
import { generateSecret, verify } from 'otplib';
import { toString as qrCodeToString } from 'qrcode';
import { TOTP_CODE_PATTERN, TOTP_DIGITS, TOTP_STEP_SECONDS, totpStepAt } from '../domain/recovery-code-format';

/** The issuer authenticator apps show next to the account's email. */
export const TOTP_ISSUER = 'MiniMax';
/** 20 bytes = 160 bits, RFC 4226's recommended length (otplib refuses under 16). */
const SECRET_BYTES = 20;
/** One step of clock drift either way. */
const DRIFT_STEPS = 1;

/**
 * TOTP through otplib 13 (RFC 6238: SHA-1, 6 digits, 30 s). Which steps a code matches is computed
 * here; which of them may still be accepted (replay protection by last accepted step) is the domain's rule.
 */
@Injectable()
export class TotpCodes {
  newSecret(): string {
    return generateSecret({ length: SECRET_BYTES });
  }

  /** Key URI format: every parameter spelled out, since some apps do not assume the defaults. */
  otpauthUrl(email: string, secret: string): string {
    const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(email)}`;
    const params = new URLSearchParams({
      secret,
      issuer: TOTP_ISSUER,
      algorithm: 'SHA1',
      digits: String(TOTP_DIGITS),
      period: String(TOTP_STEP_SECONDS),
    });
    return `otpauth://totp/${label}?${params.toString()}`;
  }

  qrCodeSvg(otpauthUrl: string): Promise<string> {
    return qrCodeToString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  /** The time steps within one of `now` whose code is `code` (usually none or one). */
  async matchingSteps(secret: string, code: string, now: Date): Promise<number[]> {
    if (!TOTP_CODE_PATTERN.test(code)) return [];
    const current = totpStepAt(now);
    const matches: number[] = [];
    for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
      const result = await verify({ secret, token: code, epoch: step * TOTP_STEP_SECONDS, period: TOTP_STEP_SECONDS, digits: TOTP_DIGITS });
      if (result.valid) matches.push(step);
    }
    return matches;
  }
}
