import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRoles, StaffGuard } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock, RequestContext } from '@app/ddd';
import { Context, InvalidRequestError } from '@app/http';
import { attemptsLeft } from '../domain/recovery-case.decider';
import { CheckName, CheckResult, RecoveryEventType } from '../domain/recovery-case.events';
import { AttemptsExhaustedError } from '../domain/recovery.errors';
import { ClaimComparison } from '../evidence/compare-claims';
import { RecoveryCases } from '../recovery-cases';
import { CheckClaimsDto, CheckClaimsResultDto } from './check-claims.dto';

@ApiTags('support')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('support')
@ApiForbiddenResponse({ description: 'forbidden: not support staff' })
@ApiNotFoundResponse({ description: 'not_found: no such case' })
@Controller('v1/support/recovery-cases')
export class CheckClaimsController {
  constructor(
    private readonly cases: RecoveryCases,
    private readonly comparison: ClaimComparison,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/checks')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckClaimsResultDto, description: 'Each claim compared with the record; the true values are never shown' })
  @ApiConflictResponse({ description: 'attempts_exhausted (3 per check per case, nothing written); case_closed; check_unavailable' })
  async check(
    @Param('id') caseId: string,
    @Body() body: CheckClaimsDto,
    @Context() context: RequestContext,
  ): Promise<CheckClaimsResultDto> {
    if (!body.recentActivity && body.paymentLast4 === undefined && body.accountCreatedOn === undefined) {
      throw new InvalidRequestError([
        { field: 'recentActivity', message: 'give at least one of recentActivity, paymentLast4, accountCreatedOn' },
      ]);
    }
    const recoveryCase = await this.cases.load(caseId);
    // Refused before the record is read: a check with no attempts left compares nothing.
    const left = attemptsLeft(recoveryCase);
    for (const check of ['recentActivity', 'paymentLast4', 'accountCreatedOn'] as const) {
      if (this.given(body, check) && left[check] === 0) throw new AttemptsExhaustedError(check);
    }
    const claims = await this.comparison.compare(recoveryCase.accountId, body, this.clock.now());
    const { state, events } = await this.cases.run(recoveryCase, { kind: 'CheckClaims', claims }, context);
    const results: Partial<Record<CheckName, CheckResult>> = {};
    for (const event of events) if (event.type === RecoveryEventType.ClaimChecked) results[event.data.check] = event.data.result;
    return { results, attemptsLeft: attemptsLeft(state) };
  }

  private given(body: CheckClaimsDto, check: CheckName): boolean {
    return check === 'recentActivity' ? body.recentActivity !== undefined : body[check] !== undefined;
  }
}
