import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { CheckResult } from '../domain/recovery-case.events';
import { SendRecoveryEmailCodeCommand, VerifyRecoveryEmailCodeCommand } from './email-code.commands';

export class VerifyEmailCodeDto {
  @ApiProperty({ description: 'The code as the person read it back' })
  @IsString()
  @Matches(/^[0-9][0-9 -]{0,30}$/, { message: 'code must be the digits of the mailed code' })
  code: string;
}

export class EmailCodeResultDto {
  @ApiProperty({ enum: ['match', 'mismatch'] }) result: CheckResult;
}

@StaffRoutes('support', 'support')
@ApiNotFoundResponse({ description: 'not_found: no such case' })
@Controller('v1/support/recovery-cases')
export class RecoveryEmailCodeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/email-code')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "A new code goes to the account's own address (never to the sender); it works for 30 minutes" })
  @ApiConflictResponse({ description: 'case_closed; attempts_exhausted (3 codes read back wrong in this case)' })
  async send(@Param('id') caseId: string, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new SendRecoveryEmailCodeCommand(caseId, context));
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
    return { result: await this.commandBus.execute(new VerifyRecoveryEmailCodeCommand(caseId, body.code, context)) };
  }
}
