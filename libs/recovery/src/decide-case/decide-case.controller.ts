import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, InvalidRequestError } from '@app/http';
import { ApproveRecoveryCaseCommand, DenyRecoveryCaseCommand } from './decide-case.commands';

export class ApproveRecoveryCaseDto {
  @ApiProperty({ description: "Mail a password reset link to the account's own address" })
  @IsBoolean({ message: 'resetPassword must be true or false' })
  resetPassword: boolean;

  @ApiProperty({ description: 'Remove every second factor of the account' })
  @IsBoolean({ message: 'resetMfa must be true or false' })
  resetMfa: boolean;
}

export class DenyRecoveryCaseDto {
  @ApiProperty({ description: "Why: recorded in the case and mailed to the account's own address" })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

@StaffRoutes('support', 'support')
@ApiNotFoundResponse({ description: 'not_found: no such case' })
@Controller('v1/support/recovery-cases')
export class DecideRecoveryCaseController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/approve')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Approved: the resets follow from the log, and the outcome is mailed to the account' })
  @ApiConflictResponse({ description: 'evidence_insufficient (default rule: email ownership and two matching checks); case_closed' })
  async approve(@Param('id') caseId: string, @Body() body: ApproveRecoveryCaseDto, @Context() context: RequestContext): Promise<void> {
    if (!body.resetPassword && !body.resetMfa) {
      throw new InvalidRequestError([{ field: 'resetPassword', message: 'approve at least one of resetPassword and resetMfa' }]);
    }
    await this.commandBus.execute(new ApproveRecoveryCaseCommand(caseId, body.resetPassword, body.resetMfa, context));
  }

  @Post(':id/deny')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Denied: the outcome is mailed to the account' })
  @ApiConflictResponse({ description: 'case_closed' })
  async deny(@Param('id') caseId: string, @Body() body: DenyRecoveryCaseDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new DenyRecoveryCaseCommand(caseId, body.reason, context));
  }
}
