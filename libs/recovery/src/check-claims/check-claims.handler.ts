import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { InvalidRequestError } from '@app/http';
import { attemptsLeft } from '../domain/recovery-case.decider';
import { CheckName, CheckResult, RecoveryEventType } from '../domain/recovery-case.events';
import { AttemptsExhaustedError } from '../domain/recovery.errors';
import { ClaimComparison } from '../evidence/compare-claims';
import { RecoveryCases } from '../recovery-cases';
import { CheckRecoveryClaimsCommand } from './check-claims.command';
import { CheckClaimsDto, CheckClaimsResultDto } from './check-claims.dto';

const CHECKS = ['recentActivity', 'paymentLast4', 'accountCreatedOn'] as const;

const given = (claims: CheckClaimsDto, check: CheckName): boolean =>
  check === 'recentActivity' ? claims.recentActivity !== undefined : claims[check] !== undefined;

@CommandHandler(CheckRecoveryClaimsCommand)
export class CheckRecoveryClaimsHandler implements ICommandHandler<CheckRecoveryClaimsCommand> {
  constructor(
    private readonly cases: RecoveryCases,
    private readonly comparison: ClaimComparison,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caseId, claims, context }: CheckRecoveryClaimsCommand): Promise<CheckClaimsResultDto> {
    if (!CHECKS.some((check) => given(claims, check))) {
      throw new InvalidRequestError([
        { field: 'recentActivity', message: 'give at least one of recentActivity, paymentLast4, accountCreatedOn' },
      ]);
    }
    const recoveryCase = await this.cases.load(caseId);
    // Refused before the record is read: a check with no attempts left compares nothing.
    const left = attemptsLeft(recoveryCase);
    for (const check of CHECKS) if (given(claims, check) && left[check] === 0) throw new AttemptsExhaustedError(check);
    const compared = await this.comparison.compare(recoveryCase.accountId, claims, this.clock.now());
    const { state, events } = await this.cases.run(recoveryCase, { kind: 'CheckClaims', claims: compared }, context);
    const results: Partial<Record<CheckName, CheckResult>> = {};
    for (const event of events) if (event.type === RecoveryEventType.ClaimChecked) results[event.data.check] = event.data.result;
    return { results, attemptsLeft: attemptsLeft(state) };
  }
}
