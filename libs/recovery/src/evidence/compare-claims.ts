import { Inject, Injectable } from '@nestjs/common';
import { utcDateOf } from '@app/calendar';
import { anyMatches, normaliseIp, SIGN_IN_IP_DAYS } from '../domain/claims';
import { ComparedClaim } from '../domain/recovery-case.decider';
import { CheckResult, RecentActivityKind } from '../domain/recovery-case.events';
import { RECOVERY_EVIDENCE, RecoveryEvidenceSources } from './recovery-evidence';

export interface Claims {
  readonly recentActivity?: { readonly kind: RecentActivityKind; readonly value: string };
  readonly paymentLast4?: string;
  readonly accountCreatedOn?: string;
}

const result = (matched: boolean): CheckResult => (matched ? 'match' : 'mismatch');

/** Compares each claim given with the record; answers only match or mismatch per check. */
@Injectable()
export class ClaimComparison {
  constructor(@Inject(RECOVERY_EVIDENCE) private readonly evidence: RecoveryEvidenceSources) {}

  async compare(accountId: string, claims: Claims, now: Date): Promise<ComparedClaim[]> {
    const compared: ComparedClaim[] = [];
    if (claims.recentActivity) {
      const { kind, value } = claims.recentActivity;
      compared.push({ check: 'recentActivity', kind, result: result(await this.recentActivity(accountId, kind, value, now)) });
    }
    if (claims.paymentLast4 !== undefined) {
      const recorded = await this.evidence.paymentLast4(accountId);
      compared.push({ check: 'paymentLast4', kind: null, result: result(recorded.includes(claims.paymentLast4)) });
    }
    if (claims.accountCreatedOn !== undefined) {
      const account = await this.evidence.account(accountId);
      const matched = account !== null && utcDateOf(new Date(account.createdAt)) === claims.accountCreatedOn;
      compared.push({ check: 'accountCreatedOn', kind: null, result: result(matched) });
    }
    return compared;
  }

  private async recentActivity(accountId: string, kind: RecentActivityKind, value: string, now: Date): Promise<boolean> {
    switch (kind) {
      case 'api_key_name':
        return anyMatches(value, await this.evidence.apiKeyNames(accountId));
      case 'sign_in_ip': {
        const since = new Date(now.getTime() - SIGN_IN_IP_DAYS * 86_400_000);
        return (await this.evidence.signInIps(accountId, since)).map(normaliseIp).includes(normaliseIp(value));
      }
      case 'service_used':
        return anyMatches(value, await this.evidence.servicesUsedThisPeriod(accountId, now));
    }
  }
}
