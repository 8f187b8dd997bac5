import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { RequireRoles, StaffGuard } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock, RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { CheckResult, RecoveryEventType } from '../domain/recovery-case.events';
import { RecoveryCases } from '../recovery-cases';
import { RecoveryEmailCodes } from './email-codes';

export class VerifyEmailCodeDto {
  @ApiProperty({ description: 'The code as the person read it back' })
  @IsString()
  @Matches(/^[0-9][0-9 -]{0,30}$/, { message: 'code must be the digits of the mailed code' })
  code: string;
}

export class EmailCodeResultDto {
  @ApiProperty({ enum: ['match', 'mismatch'] }) result: CheckResult;
}

@ApiTags('support')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('support')
@ApiForbiddenResponse({ description: 'forbidden: not support staff' })
@ApiNotFoundResponse({ description: 'not_found: no such case' })
@Controller('v1/support/recovery-cases')
export class RecoveryEmailCodeController {
  constructor(
    private readonly cases: RecoveryCases,
    private readonly codes: RecoveryEmailCodes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/email-code')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "A new code goes to the account's own address (never to the sender); it works for 30 minutes" })
  @ApiConflictResponse({ description: 'case_closed; attempts_exhausted (3 codes read back wrong in this case)' })
  async send(@Param('id') caseId: string, @Context() context: RequestContext): Promise<void> {
    const recoveryCase = await this.cases.load(caseId);
    await this.cases.run(recoveryCase, { kind: 'SendEmailCode', codeId: randomUUID(), now: this.clock.now() }, context);
  }

  @Post(':id/email-code/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailCodeResultDto, description: 'match proves the person reads the account’s mailbox; 3 attempts per case' })
  @ApiConflictResponse({ description: 'no_code_sent; case_closed; attempts_exhausted' })
  async verify(
    @Param('id') caseId: string,
    @Body() body: VerifyEmailCodeDto,
    @Context() context: RequestContext,
  ): Promise<EmailCodeResultDto> {
    const recoveryCase = await this.cases.load(caseId);
    const { events } = await this.cases.run(
      recoveryCase,
      { kind: 'CheckEmailCode', matches: (codeId) => this.codes.matches(recoveryCase.caseId, codeId, body.code), now: this.clock.now() },
      context,
    );
    const [checked] = events;
    return { result: checked?.type === RecoveryEventType.EmailCodeChecked ? checked.data.result : 'mismatch' };
  }
}
